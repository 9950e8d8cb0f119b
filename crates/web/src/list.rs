//! Query parameters of list pages and list endpoints.

use jiguan_app::ports::ListQuery;
use jiguan_domain::FieldError;

/// Every query parameter a list page or endpoint takes, all as text so that no value can
/// make the request fail before it reaches the handler.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct ListParams {
    /// Search text.
    pub q: Option<String>,
    /// Sort key (per list).
    pub sort: Option<String>,
    /// `true` for descending.
    pub desc: Option<String>,
    /// Page, from 1.
    pub page: Option<String>,
    /// Rows per page, 1 to 200.
    pub per_page: Option<String>,
    /// Flash message code after a redirect (pages only).
    pub ok: Option<String>,
    /// Unit id, or `district` for district-level rows.
    pub unit: Option<String>,
    /// Role code.
    pub role: Option<String>,
    /// User name (audit).
    pub user: Option<String>,
    /// Object type (audit).
    pub object_type: Option<String>,
    /// Object id (audit).
    pub object_id: Option<String>,
    /// From date YYYY-MM-DD, China time (audit).
    pub from: Option<String>,
    /// To date YYYY-MM-DD, China time (audit).
    pub to: Option<String>,
    /// Operation code (audit), such as `post.update`.
    pub op: Option<String>,
    /// `ok` or `failed` (sign-in log).
    pub outcome: Option<String>,
}

/// The page sizes a list page offers (每页条数).
pub const PAGE_SIZES: [u32; 3] = [20, 50, 100];

impl ListParams {
    /// The paging and sorting part of a list *endpoint*; a page number that is not a
    /// number is refused (a blank one too: the API's schema says integer), and so is a page
    /// below 1 or a page size outside 1 to [`ListQuery::MAX_PER_PAGE`] (a 422 naming the
    /// field, never silently clamped: issue 17).
    pub fn query(&self) -> Result<ListQuery, FieldError> {
        self.parse(false)
    }

    fn parse(&self, blank_is_absent: bool) -> Result<ListQuery, FieldError> {
        let num = |field: &str, v: &Option<String>| -> Result<Option<u32>, FieldError> {
            match v.as_deref().map(str::trim) {
                None => Ok(None),
                Some("") if blank_is_absent => Ok(None),
                Some(s) => s
                    .parse::<u32>()
                    .map(Some)
                    .map_err(|_| FieldError::new(field, "integer_invalid")),
            }
        };
        let range = |field: &str, v: Option<u32>, max: u32| match v {
            Some(n) if n < 1 || n > max => Err(FieldError::new(field, "out_of_range")
                .with("min", 1)
                .with("max", max)),
            _ => Ok(v),
        };
        Ok(ListQuery {
            q: self.q.clone(),
            sort: self.sort.clone(),
            desc: match self.desc.as_deref().map(str::trim) {
                Some("true" | "1" | "on") => true,
                None | Some("false" | "0" | "off") => false,
                Some(_) => return Err(FieldError::new("desc", "choice_invalid")),
            },
            page: range("page", num("page", &self.page)?, i32::MAX as u32)?,
            per_page: range(
                "per_page",
                num("per_page", &self.per_page)?,
                ListQuery::MAX_PER_PAGE,
            )?,
        })
    }

    /// The paging and sorting part of a list *page*: as [`ListParams::query`], except that
    /// a blank page or page size is left out (a search form sends its empty fields), and
    /// the page size must be one the pager offers (20, 50 or 100), else a 422 naming
    /// `per_page`.
    pub fn page_query(&self) -> Result<ListQuery, FieldError> {
        let q = self.parse(true)?;
        match q.per_page {
            Some(n) if !PAGE_SIZES.contains(&n) => {
                Err(FieldError::new("per_page", "per_page_invalid")
                    .with("allowed", PAGE_SIZES.map(|n| n.to_string()).join("/")))
            }
            _ => Ok(q),
        }
    }

    pub fn get(&self, key: &str) -> String {
        let v = match key {
            "unit" => &self.unit,
            "role" => &self.role,
            "user" => &self.user,
            "object_type" => &self.object_type,
            "object_id" => &self.object_id,
            "from" => &self.from,
            "to" => &self.to,
            "op" => &self.op,
            "outcome" => &self.outcome,
            _ => &None,
        };
        v.clone().unwrap_or_default()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn params(q: &str) -> ListParams {
        serde_urlencoded::from_str(q).unwrap()
    }

    #[test]
    fn a_blank_page_size_is_refused_by_the_api_and_left_out_by_a_page() {
        for q in ["per_page=", "per_page=%20", "page="] {
            let field = if q.starts_with("page") {
                "page"
            } else {
                "per_page"
            };
            let e = params(q).query().unwrap_err();
            assert_eq!(
                (e.field.as_str(), e.code.as_str()),
                (field, "integer_invalid"),
                "{q}"
            );
            let p = params(q).page_query().unwrap();
            assert_eq!((p.page, p.per_page), (None, None), "{q}");
        }
        let ok = params("page=2&per_page=50").query().unwrap();
        assert_eq!((ok.page, ok.per_page), (Some(2), Some(50)));
        assert_eq!(
            params("per_page=201").query().unwrap_err().code,
            "out_of_range"
        );
        assert_eq!(
            params("per_page=30").page_query().unwrap_err().code,
            "per_page_invalid"
        );
    }
}
