//! String enums that tolerate values this version does not know.
//!
//! The server may add enum values at any time; a closed `#[derive(Deserialize)]` enum would then
//! fail the whole payload around it. These enums keep the unknown spelling instead (or map it to a
//! named fallback where the contract says how unknown values behave), and serialize back verbatim.

/// Declares a string enum with an `Other(String)` catch-all (first form) or with a fallback
/// variant that unknown values map to (second form, prefixed `unknown = Variant;`).
/// Aliases (`Variant = "wire" | "alias"`) are accepted on input; output uses the first spelling.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal $(| $alias:literal)* ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version does not know, kept verbatim so it round-trips.
            Other(String),
        }

        impl $name {
            /// The spelling on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Other(other) => other.as_str(),
                }
            }

            /// Reads a wire value; an unknown value becomes `Other`, never an error.
            pub fn from_wire(value: &str) -> Self {
                match value {
                    $( $wire $(| $alias)* => Self::$variant, )+
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        wire_enum!(@impls $name);
    };
    (
        unknown = $fallback:ident;
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal $(| $alias:literal)* ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// The spelling on the wire.
            pub fn as_str(&self) -> &'static str {
                match self {
                    $( Self::$variant => $wire, )+
                }
            }

            /// Reads a wire value; an unknown value becomes the contract's fallback.
            pub fn from_wire(value: &str) -> Self {
                match value {
                    $( $wire $(| $alias)* => Self::$variant, )+
                    _ => Self::$fallback,
                }
            }
        }

        impl ::core::default::Default for $name {
            fn default() -> Self {
                Self::$fallback
            }
        }

        wire_enum!(@impls $name);
    };
    (@impls $name:ident) => {
        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl $crate::write::ToJson for $name {
            fn write_json(&self, out: &mut String) {
                $crate::write::write_str(out, self.as_str());
            }
        }

        impl $crate::json::FromJson for $name {
            fn from_json(value: &$crate::json::Value) -> Result<Self, $crate::json::Error> {
                match value {
                    $crate::json::Value::String(s) => Ok(Self::from_wire(s)),
                    other => Err($crate::json::invalid_type(other, "a string")),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <String as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from_wire(&value))
            }
        }
    };
}
