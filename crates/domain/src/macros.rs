//! The two macros every module uses for its small types: [`id_type!`](crate::id_type) for newtype ids
//! and [`coded_enum!`](crate::coded_enum) for closed lists with a stable code.
//!
//! The crate's own closed lists are data, not code: each module's lists are in a `.toml`
//! file beside it (`org/kinds.rs` ↔ `org/kinds.toml`: variant, code, Chinese labels, doc),
//! which `build.rs` checks and turns into `coded_enum!` invocations, and the module takes
//! them in with `closed_lists!("org/kinds.toml");`.

/// Defines newtype ids over `i64`: `Debug, Clone, Copy, Eq, Ord, Hash`, serde as the bare
/// number, `Display` as the number, `FromStr` (a path segment: a whole number above zero,
/// else [`InvalidId`](crate::error::InvalidId)) and `From<Id> for i64`.
///
/// ```
/// jiguan_domain::id_type! {
///     /// A thing.
///     ThingId;
/// }
/// assert_eq!("12".parse::<ThingId>().map(i64::from), Ok(12));
/// assert!("0".parse::<ThingId>().is_err());
/// ```
#[macro_export]
macro_rules! id_type {
    ($($(#[$m:meta])* $name:ident;)+) => {$(
        $(#[$m])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash,
            ::serde::Serialize, ::serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::error::InvalidId;
            /// A whole number above zero (as in a URL path); anything else is refused.
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                $crate::error::parse_id(s).map($name)
            }
        }

        impl ::std::convert::From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }
    )+};
}

/// Defines a closed list with a stable code (stored in the database, used in URLs, the API
/// and locale keys) and one or more Chinese labels (the first is the one shown in exports;
/// the others are accepted on input, as import files use them).
///
/// Generated: the enum (`Debug, Clone, Copy, Eq, Ord, Hash`), `ALL` (declaration order),
/// `code()`, `zh()`, `labels()`, `label_key()` (the prefix, such as `"org.kind."`, then the
/// code), `from_code()` (the code
/// or any label, trimmed), `parse(field, s)` (errors `required`, `choice_invalid`), serde
/// as the code, `Display` as the code and `FromStr` as `from_code`.
///
/// ```
/// use jiguan_domain::coded_enum;
/// coded_enum! {
///     /// A colour.
///     pub enum Colour: "demo.colour." {
///         /// 红.
///         Red = "red" ["红色", "红"],
///         Blue = "blue" ["蓝色"],
///     }
/// }
/// assert_eq!(Colour::parse("colour", "红").map(Colour::code), Ok("red"));
/// assert_eq!(Colour::Blue.label_key(), "demo.colour.blue");
/// ```
#[macro_export]
macro_rules! coded_enum {
    (
        $(#[$m:meta])*
        $vis:vis enum $name:ident : $prefix:literal {
            $($(#[$vm:meta])* $v:ident = $code:literal [$zh:literal $(, $alt:literal)* $(,)?]),+ $(,)?
        }
    ) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        $vis enum $name {
            $($(#[$vm])* $v),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$v),+];

            /// The stable code (database, URLs, API, locale keys).
            pub fn code(self) -> &'static str {
                match self { $($name::$v => $code),+ }
            }

            /// The Chinese label (exports and the import template).
            pub fn zh(self) -> &'static str {
                match self { $($name::$v => $zh),+ }
            }

            /// Every Chinese label accepted on input, the shown one first.
            pub fn labels(self) -> &'static [&'static str] {
                match self { $($name::$v => &[$zh $(, $alt)*]),+ }
            }

            /// The locale key of the name shown to users.
            pub fn label_key(self) -> String {
                format!("{}{}", $prefix, self.code())
            }

            /// The value of a code or a Chinese label (surrounding blanks ignored).
            pub fn from_code(s: &str) -> Option<Self> {
                let t = s.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.code() == t || v.labels().contains(&t))
            }

            /// Parses a form or import value: the code or a Chinese label. Errors:
            /// `required` (blank), `choice_invalid`.
            pub fn parse(field: &str, s: &str) -> Result<Self, $crate::FieldError> {
                if s.trim().is_empty() {
                    return Err($crate::FieldError::new(field, "required"));
                }
                Self::from_code(s).ok_or_else(|| $crate::FieldError::new(field, "choice_invalid"))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::error::InvalidChoice;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                Self::from_code(s).ok_or($crate::error::InvalidChoice)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                struct V;
                impl ::serde::de::Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a code of ", stringify!($name)))
                    }
                    fn visit_str<E: ::serde::de::Error>(self, s: &str) -> ::std::result::Result<$name, E> {
                        $name::ALL
                            .iter()
                            .copied()
                            .find(|v| v.code() == s)
                            .ok_or_else(|| E::unknown_variant(s, &[$($code),+]))
                    }
                }
                d.deserialize_str(V)
            }
        }
    };
}

/// Takes in the closed lists of a `.toml` file of `src/` (path relative to `src/`), which
/// `build.rs` generated as `coded_enum!` invocations into `OUT_DIR/lists/`.
macro_rules! closed_lists {
    ($toml:literal) => {
        include!(concat!(env!("OUT_DIR"), "/lists/", $toml, ".rs"));
    };
}

#[cfg(test)]
mod tests {
    use crate::FieldError;

    crate::id_type! {
        /// A test id.
        TestId;
    }

    crate::coded_enum! {
        /// A test list.
        pub enum Colour: "test.colour." {
            /// 红.
            Red = "red" ["红色", "红", "赤"],
            Blue = "blue" ["蓝色"],
            DarkGreen = "dark-green" ["墨绿"],
        }
    }

    #[test]
    fn ids_parse_from_path_segments() {
        assert_eq!("42".parse::<TestId>(), Ok(TestId(42)));
        assert_eq!(" 7 ".parse::<TestId>(), Ok(TestId(7)));
        for bad in ["abc", "0", "-3", "", "1.5", "99999999999999999999", "+"] {
            assert!(bad.parse::<TestId>().is_err(), "{bad}");
        }
        assert_eq!(i64::from(TestId(9)), 9);
        assert_eq!(TestId(9).to_string(), "9");
        assert!(TestId(1) < TestId(2));
    }

    #[test]
    fn ids_are_bare_numbers_in_json() {
        assert_eq!(serde_json::to_string(&TestId(5)).ok(), Some("5".into()));
        assert_eq!(serde_json::from_str::<TestId>("5").ok(), Some(TestId(5)));
    }

    #[test]
    fn coded_enum_parses_code_and_every_label() {
        assert_eq!(Colour::ALL, &[Colour::Red, Colour::Blue, Colour::DarkGreen]);
        for c in Colour::ALL {
            assert_eq!(Colour::parse("c", c.code()), Ok(*c));
            assert_eq!(Colour::from_code(c.zh()), Some(*c));
            for l in c.labels() {
                assert_eq!(Colour::parse("c", &format!(" {l} ")), Ok(*c));
            }
            assert_eq!(c.to_string(), c.code());
            assert_eq!(c.code().parse::<Colour>().ok(), Some(*c));
        }
        assert_eq!(Colour::Red.zh(), "红色");
        assert_eq!(Colour::parse("c", "赤"), Ok(Colour::Red));
        assert_eq!(Colour::DarkGreen.label_key(), "test.colour.dark-green");
        assert_eq!(
            Colour::parse("c", "  "),
            Err(FieldError::new("c", "required"))
        );
        assert_eq!(
            Colour::parse("c", "green"),
            Err(FieldError::new("c", "choice_invalid"))
        );
        assert!("green".parse::<Colour>().is_err());
    }

    #[test]
    fn coded_enum_is_its_code_in_json() {
        for c in Colour::ALL {
            let j = serde_json::to_string(c).unwrap_or_default();
            assert_eq!(j, format!("\"{}\"", c.code()));
            assert_eq!(serde_json::from_str::<Colour>(&j).ok(), Some(*c));
        }
        // Labels are for forms and imports; JSON carries the code only.
        assert!(serde_json::from_str::<Colour>("\"红\"").is_err());
        let m: std::collections::BTreeMap<Colour, i32> =
            serde_json::from_str(r#"{"blue": 1}"#).unwrap_or_default();
        assert_eq!(m.get(&Colour::Blue), Some(&1));
    }

    /// Every list of the crate (each `.toml`'s): JSON is the code, each code and label names one value,
    /// and no label is claimed by two values.
    #[test]
    fn every_coded_enum_is_consistent() {
        macro_rules! check {
            ($($t:ty),+ $(,)?) => {$({
                let mut seen = std::collections::BTreeSet::new();
                for v in <$t>::ALL {
                    let j = serde_json::to_string(v).unwrap_or_default();
                    assert_eq!(j, format!("\"{}\"", v.code()));
                    assert_eq!(serde_json::from_str::<$t>(&j).ok(), Some(*v));
                    assert_eq!(<$t>::from_code(v.code()), Some(*v));
                    assert!(v.label_key().ends_with(v.code()));
                    for l in std::iter::once(v.code()).chain(v.labels().iter().copied()) {
                        assert!(seen.insert(l), "{} {l}", stringify!($t));
                        assert_eq!(<$t>::parse("f", l), Ok(*v));
                    }
                }
            })+};
        }
        every_closed_list!(check);
    }

    use crate::build_script;

    /// The build script's own checks: a list that could not work stops the build, naming
    /// the list and the value.
    #[test]
    #[allow(clippy::unwrap_used)]
    fn a_list_that_could_not_work_is_refused() {
        let generate = |t: &str| {
            let f: build_script::File = toml::from_str(t).unwrap();
            build_script::generate(&f).map_err(|e| e.to_string())
        };
        let ok = r#"[[enum]]
name = "Colour"
key = "test.colour."
doc = "A colour."
values = [{ variant = "Red", code = "red", zh = ["红色", "红"], doc = "红." }]"#;
        let code = generate(ok).unwrap();
        assert!(code.contains(r#"Red = "red" ["红色", "红"],"#), "{code}");
        assert!(code.contains(r#"#[doc = " A colour."]"#), "{code}");
        let twice = ok.replace(
            "}]",
            r#"}, { variant = "Rose", code = "rose", zh = ["红"] }]"#,
        );
        let e = generate(&twice).unwrap_err();
        assert!(
            e.contains("Colour") && e.contains("Rose") && e.contains("红"),
            "{e}"
        );
        assert!(generate(&ok.replace("\"Red\"", "\"red\"")).is_err());
        assert!(generate(&ok.replace("zh = [\"红色\", \"红\"]", "zh = []")).is_err());
        assert!(generate(&ok.replace("test.colour.", "test.colour")).is_err());
    }

    #[test]
    fn rule_codes_keep_their_old_spellings() {
        use crate::rules::early_retirement::Staff;
        use crate::rules::retirement::Category;
        assert_eq!(
            Category::parse("c", "female_cadre"),
            Ok(Category::FemaleCadre)
        );
        assert_eq!(
            Category::parse("c", " female-worker "),
            Ok(Category::FemaleWorker)
        );
        assert_eq!(Staff::parse("s", "civil_servant"), Ok(Staff::CivilServant));
        assert_eq!(crate::auth::Role::UnitAdmin.label_key(), "unit_admin");
    }
}
