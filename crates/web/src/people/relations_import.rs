//! Declared relations (亲属关系) of a unit from and to Excel: the import page and its
//! template, the export, and the same import and export through the JSON API. The use
//! cases are `App::import_relations` and `App::export_relations`.

use askama::Template;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{StatusCode, header};
use axum::response::Response;

use jiguan_app::AppError;
use jiguan_app::people::{Importer, RelationExportRow, RelationImportReport, RowError};
use jiguan_app::ports::Unit;
use jiguan_domain::FieldError;
use jiguan_excel::reports::people_relations::{relations_sheet, relations_template};

use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::extract::{InUnit, Json};
use crate::guard::Ctx;
use crate::html::{Layout, page, page_status};
use crate::i18n::Tr;

#[derive(Template)]
#[template(path = "people_relations_import.html")]
pub struct RelationsImportPage {
    pub l: Layout,
    pub unit: Unit,
    pub report: Option<RelationImportReport>,
    pub file_error: Option<String>,
}

impl RelationsImportPage {
    pub fn reason(&self, e: &FieldError) -> String {
        self.l.tr.error(e)
    }

    /// The report's result section.
    pub fn result(&self) -> Option<super::ImportResult<'_>> {
        self.report.as_ref().map(|r| super::ImportResult {
            refused_key: "people.relations_import_refused",
            ..super::ImportResult::new(
                r.written,
                [r.rows, r.created, r.unchanged, r.invalid_rows],
                &r.unknown_columns,
                &r.errors,
            )
        })
    }
}

fn import_page(
    ctx: &Ctx,
    u: Unit,
    report: Option<RelationImportReport>,
    file_error: Option<String>,
) -> Response {
    let l = Layout::new(ctx, "people.relations_import")
        .crumb(u.name.clone(), format!("/units/{}", u.id))
        .crumb(ctx.tr.t("people.roster"), format!("/units/{}/people", u.id))
        .here();
    let bad = file_error.is_some()
        || report
            .as_ref()
            .is_some_and(|r| !r.errors.is_empty() && !r.written);
    let p = RelationsImportPage {
        l,
        unit: u,
        report,
        file_error,
    };
    if bad {
        page_status(StatusCode::UNPROCESSABLE_ENTITY, &p)
    } else {
        page(&p)
    }
}

/// The import form (PeopleManage).
pub async fn import_form(ctx: Ctx, InUnit(u): InUnit) -> Response {
    import_page(&ctx, u, None, None)
}

fn is_multipart(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/form-data"))
}

/// The `file` field of a multipart upload: its name (for the audit trail) and bytes.
async fn read_file(st: &AppState, req: Request) -> Result<(String, Vec<u8>), FieldError> {
    let too_large = || FieldError::new("file", "import_too_large").with("max_mb", 16);
    let mut mp = Multipart::from_request(req, st)
        .await
        .map_err(|_| FieldError::new("file", "import_unreadable"))?;
    let (mut name, mut bytes) = (String::new(), Vec::new());
    while let Some(field) = mp.next_field().await.map_err(|_| too_large())? {
        if field.name() == Some("file") {
            name = field.file_name().unwrap_or("").chars().take(100).collect();
            bytes = field.bytes().await.map_err(|_| too_large())?.to_vec();
        }
    }
    if bytes.is_empty() {
        return Err(FieldError::new("file", "required"));
    }
    Ok((name, bytes))
}

/// Reads and imports an uploaded file: `Ok(report)`, or the file-level errors.
async fn import_upload(
    st: &AppState,
    ctx: &Ctx,
    unit: &Unit,
    req: Request,
) -> WebResult<Result<RelationImportReport, Vec<FieldError>>> {
    let (name, bytes) = match read_file(st, req).await {
        Ok(x) => x,
        Err(e) => return Ok(Err(vec![e])),
    };
    let table = match crate::people::pages::read_table(bytes).await {
        Ok(t) => t,
        Err(e) => return Ok(Err(vec![e])),
    };
    match st
        .app
        .import_relations(Importer::User(&ctx.actor), unit.id, &table, &name)
        .await
    {
        Ok(r) => Ok(Ok(r)),
        Err(AppError::Invalid(e)) => Ok(Err(e)),
        Err(e) => Err(e.into()),
    }
}

/// Imports the uploaded file (PeopleManage; CSRF in the multipart form): the report,
/// with every bad row, on the same page (422 when refused).
pub async fn import_submit(
    State(st): State<AppState>,
    ctx: Ctx,
    InUnit(u): InUnit,
    req: Request,
) -> WebResult {
    if !is_multipart(&req) {
        return Err(WebError::Malformed {
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code: "unsupported_media_type",
            field: None,
            detail: "multipart/form-data".into(),
        });
    }
    Ok(match import_upload(&st, &ctx, &u, req).await? {
        Ok(r) => import_page(&ctx, u, Some(r), None),
        Err(errs) => {
            let msg = errs
                .iter()
                .map(|x| ctx.tr.error(x))
                .collect::<Vec<_>>()
                .join("；");
            import_page(&ctx, u, None, Some(msg))
        }
    })
}

fn xlsx(name: &str, bytes: Vec<u8>) -> Response {
    crate::html::audit::xlsx_file("relations", name, bytes)
}

fn excel_failed(e: jiguan_excel::ExcelError) -> WebError {
    AppError::Internal(e.to_string()).into()
}

/// The import template (PeopleManage): five columns, a drop-down of the 19 relations.
pub async fn template(_ctx: Ctx, InUnit(_u): InUnit) -> WebResult {
    let bytes = relations_template().map_err(excel_failed)?;
    Ok(xlsx("亲属关系导入模板", bytes))
}

/// The unit's relations in the template's layout (PeopleView; ID numbers masked unless
/// PeopleSensitive).
pub async fn export(State(st): State<AppState>, ctx: Ctx, InUnit(u): InUnit) -> WebResult {
    let rows = st.app.export_relations(&ctx.actor, u.id).await?;
    let bytes = jiguan_excel::write_workbook(&[relations_sheet(&rows)]).map_err(excel_failed)?;
    Ok(xlsx(&format!("{}亲属关系", u.name), bytes))
}

/// A row error of the file as an API field error: field `rows.<row>.<column field>`, the
/// message naming the row and the column (「第 3 行“亲属关系”：…」).
fn located(tr: Tr, e: &RowError) -> FieldError {
    let mut f = e.error.clone();
    if e.row > 1 {
        f.field = format!("rows.{}.{}", e.row, e.error.field);
        let label = tr.f(
            "people.import_cell",
            &[
                ("row".into(), e.row.to_string()),
                ("column".into(), e.column.clone()),
            ],
        );
        f.args.insert(0, ("field".into(), label));
    }
    f
}

/// Imports declared relations from an xlsx or csv file (multipart field `file`, the
/// template of `/units/{unit}/people/relations/template.xlsx`: 人员身份证号, 姓名, 亲属关系,
/// 亲属身份证号, 亲属姓名). All or nothing: a refused file is a 422 whose `errors` name
/// every bad cell (`rows.5.relation`, 「第 5 行“亲属关系”：不是可选的值」) and nothing is
/// written; re-importing the same file changes nothing (`created` 0).
#[utoipa::path(post, path = "/api/v1/units/{unit}/people/relations/import", tag = "people", params(("unit" = i64, Path, description = "unit id")), request_body(content_type = "multipart/form-data", content = Object), responses((status = 200, body = RelationImportReport), (status = 422, body = crate::error::ApiError)))]
pub async fn import_api(
    State(st): State<AppState>,
    ctx: Ctx,
    InUnit(u): InUnit,
    req: Request,
) -> WebResult<Json<RelationImportReport>> {
    // A body that is not multipart carries no file: 422 on `file`, like a missing file.
    if !is_multipart(&req) {
        return Err(AppError::field("file", "required").into());
    }
    match import_upload(&st, &ctx, &u, req).await? {
        Ok(r) if r.errors.is_empty() => Ok(Json(r)),
        Ok(r) => {
            Err(AppError::Invalid(r.errors.iter().map(|e| located(ctx.tr, e)).collect()).into())
        }
        Err(errs) => Err(AppError::Invalid(errs).into()),
    }
}

/// The unit's declared relations in the import template's layout (the export as JSON;
/// ID numbers masked unless the caller may see them in full).
#[utoipa::path(get, path = "/api/v1/units/{unit}/people/relations", tag = "people", params(("unit" = i64, Path, description = "unit id")), responses((status = 200, body = Vec<RelationExportRow>), (status = 404, body = crate::error::ApiError)))]
pub async fn export_api(
    State(st): State<AppState>,
    ctx: Ctx,
    InUnit(u): InUnit,
) -> WebResult<Json<Vec<RelationExportRow>>> {
    Ok(Json(st.app.export_relations(&ctx.actor, u.id).await?))
}

/// This file's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(import_api, export_api))]
pub struct Doc;
