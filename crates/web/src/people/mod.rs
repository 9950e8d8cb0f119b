//! Establishment and people (编制与实名制): roster, establishment by kind, personnel cost, import.
//! The module's web part: pages (`pages.rs`), JSON API (`api.rs`), and its registration.

pub mod api;
pub mod pages;
pub mod relations_import;

use axum::http::Method;
use utoipa::OpenApi;

use jiguan_domain::auth::Action;

use crate::guard::Access;
use crate::module::{MenuEntry, WebModule};
use crate::routes::{RouteSpec, r};

// The page's form, and the API's body in the schema. The API reads the body as
// `JsonParts<PersonForm, ChangeOpts>` so that a type error names its field; a urlencoded
// form has only text, which the flattened struct reads as well.
/// A person as sent (every field text, see the import template for the values accepted),
/// with the options of the change that records it: date, document number, note and the
/// approved exception to the establishment.
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct PersonBody {
    #[serde(flatten)]
    pub f: jiguan_domain::people::PersonForm,
    #[serde(flatten)]
    pub o: jiguan_app::people::ChangeOpts,
}

/// What the routes of one person extract: `AtId(st, ctx, u, id): AtPerson`.
pub type AtPerson = crate::extract::AtId<jiguan_domain::people::PersonId>;

pub const MODULE: WebModule = WebModule {
    id: "people",
    menu: &[MenuEntry::unit(
        "menu.people",
        "/people",
        Action::PeopleView,
    )],
    locales: crate::locales!("people"),
    routes,
    openapi: api::Doc::openapi,
};

fn routes() -> Vec<RouteSpec> {
    use Access::Signed;
    use Action::*;
    vec![
        r(Method::GET, "/people", Signed(PeopleView), pages::district),
        r(
            Method::GET,
            "/people/cost",
            Signed(PeopleView),
            pages::district_cost,
        ),
        r(
            Method::GET,
            "/people/export/roster.xlsx",
            Signed(PeopleView),
            pages::district_export_roster,
        ),
        r(
            Method::GET,
            "/people/export/establishment.xlsx",
            Signed(PeopleView),
            pages::district_export_establishment,
        ),
        r(
            Method::GET,
            "/units/{unit}/people",
            Signed(PeopleView),
            pages::roster,
        ),
        r(
            Method::POST,
            "/units/{unit}/people/bulk",
            Signed(PeopleManage),
            pages::bulk,
        ),
        r(
            Method::GET,
            "/units/{unit}/people/new",
            Signed(PeopleManage),
            pages::new_form,
        ),
        r(
            Method::POST,
            "/units/{unit}/people/new",
            Signed(PeopleManage),
            pages::create,
        ),
        r(
            Method::GET,
            "/units/{unit}/people/establishment",
            Signed(PeopleView),
            pages::establishment,
        ),
        r(
            Method::POST,
            "/units/{unit}/people/establishment",
            Signed(EstablishmentSet),
            pages::set_establishment,
        ),
        r(
            Method::GET,
            "/units/{unit}/people/cost",
            Signed(PeopleView),
            pages::cost,
        ),
        r(
            Method::GET,
            "/units/{unit}/people/import",
            Signed(PeopleManage),
            pages::import_form,
        ),
        r(
            Method::POST,
            "/units/{unit}/people/import",
            Signed(PeopleManage),
            pages::import_submit,
        ),
        r(
            Method::GET,
            "/units/{unit}/people/import/jobs/{job}",
            Signed(PeopleManage),
            pages::import_job,
        ),
        r(
            Method::GET,
            "/units/{unit}/people/import/template.xlsx",
            Signed(PeopleManage),
            pages::template,
        ),
        r(
            Method::GET,
            "/units/{unit}/people/export/roster.xlsx",
            Signed(PeopleView),
            pages::export_roster,
        ),
        r(
            Method::GET,
            "/units/{unit}/people/export/establishment.xlsx",
            Signed(PeopleView),
            pages::export_establishment,
        ),
        r(
            Method::GET,
            "/units/{unit}/people/{person}",
            Signed(PeopleView),
            pages::show,
        ),
        r(
            Method::GET,
            "/units/{unit}/people/{person}/edit",
            Signed(PeopleManage),
            pages::edit_form,
        ),
        r(
            Method::POST,
            "/units/{unit}/people/{person}/edit",
            Signed(PeopleManage),
            pages::update,
        ),
        r(
            Method::POST,
            "/units/{unit}/people/{person}/change",
            Signed(PeopleManage),
            pages::change,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/people",
            Signed(PeopleView),
            api::list_people,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/people",
            Signed(PeopleManage),
            api::create_person,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/people/{person}",
            Signed(PeopleView),
            api::get_person,
        ),
        r(
            Method::PUT,
            "/api/v1/units/{unit}/people/{person}",
            Signed(PeopleManage),
            api::update_person,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/people/{person}/changes",
            Signed(PeopleManage),
            api::change_person,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/establishment",
            Signed(PeopleView),
            api::get_establishment,
        ),
        r(
            Method::PUT,
            "/api/v1/units/{unit}/establishment",
            Signed(EstablishmentSet),
            api::set_establishment,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/people-cost",
            Signed(PeopleView),
            api::cost,
        ),
        r(
            Method::POST,
            "/units/{unit}/people/{person}/relations",
            Signed(PeopleManage),
            pages::add_relation,
        ),
        r(
            Method::POST,
            "/units/{unit}/people/{person}/relations/{relation}/delete",
            Signed(PeopleManage),
            pages::remove_relation,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/people/{person}/relations",
            Signed(PeopleView),
            api::list_relations,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/people/{person}/relations",
            Signed(PeopleManage),
            api::add_relation,
        ),
        r(
            Method::DELETE,
            "/api/v1/units/{unit}/people/{person}/relations/{relation}",
            Signed(PeopleManage),
            api::remove_relation,
        ),
        r(
            Method::GET,
            "/units/{unit}/people/relations/import",
            Signed(PeopleManage),
            relations_import::import_form,
        ),
        r(
            Method::POST,
            "/units/{unit}/people/relations/import",
            Signed(PeopleManage),
            relations_import::import_submit,
        ),
        r(
            Method::GET,
            "/units/{unit}/people/relations/template.xlsx",
            Signed(PeopleManage),
            relations_import::template,
        ),
        r(
            Method::GET,
            "/units/{unit}/people/relations/export.xlsx",
            Signed(PeopleView),
            relations_import::export,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/people/relations/import",
            Signed(PeopleManage),
            relations_import::import_api,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/people/relations",
            Signed(PeopleView),
            relations_import::export_api,
        ),
    ]
}

/// The result section of a table import (the roster, the relations): the outcome line,
/// the counts, the columns the template does not know and every refused row. Each import
/// page builds one from its own report.
pub struct ImportResult<'a> {
    pub written: bool,
    /// Nothing was written and nothing refused it (or the refused rows were skipped).
    pub nothing: bool,
    /// The message key when the file was refused.
    pub refused_key: &'static str,
    /// (label key, element id suffix, count), in the order shown.
    pub counts: Vec<(&'static str, &'static str, usize)>,
    pub unknown_columns: &'a [String],
    pub errors: &'a [jiguan_app::people::RowError],
}

impl<'a> ImportResult<'a> {
    /// The section of an import that read `rows` rows (`invalid_rows` refused) and created
    /// `created`, left `unchanged`: refused with `people.import_refused` unless no row is
    /// in error.
    pub fn new(
        written: bool,
        [rows, created, unchanged, invalid_rows]: [usize; 4],
        unknown_columns: &'a [String],
        errors: &'a [jiguan_app::people::RowError],
    ) -> Self {
        ImportResult {
            written,
            nothing: errors.is_empty(),
            refused_key: "people.import_refused",
            counts: vec![
                ("people.rows", "rows", rows),
                ("people.created", "created", created),
                ("people.unchanged", "unchanged", unchanged),
                ("people.invalid_rows", "invalid", invalid_rows),
            ],
            unknown_columns,
            errors,
        }
    }
}
