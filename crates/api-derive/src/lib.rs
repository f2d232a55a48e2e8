//! `#[derive(FromJson)]`: reads a wire struct from a parsed JSON value
//! (`dialoge_api::json::Value`) with the semantics of serde's `#[derive(Deserialize)]`, and
//! implements `Deserialize` on top of it.
//! `#[derive(ToJson)]`: writes a wire struct as JSON text exactly as serde's
//! `#[derive(Serialize)]` and `serde_json::to_string` write it.
//!
//! Why they exist: the widget ships as wasm, and serde's derives compile a visitor (field
//! identifier matching, a map loop, a sequence loop, `Expected` messages) for every struct and
//! deserializer, and a serializer state machine for every struct and serializer. Here each
//! struct becomes one plain function that looks its fields up in a JSON object, or one that
//! appends its fields to a string, which is several times smaller. Both read the same
//! `#[serde(...)]` attributes that `Serialize` uses, so a field added to a struct is read and
//! written alike without a second list to keep in sync.
//!
//! `FromJson` supports, as serde has them: unknown fields are ignored; `#[serde(default)]` and
//! `#[serde(default = "path")]` on fields and `#[serde(default)]` on the struct; `rename`;
//! a missing `Option` field is `None`; any other missing field is an error. Serialize-only
//! attributes are ignored. Anything else (`flatten`, `rename_all`, enums, …) is a compile error,
//! so it cannot silently read differently from serde: keep `#[derive(Deserialize)]` there.
//!
//! `ToJson` supports, as serde has them: fields in declaration order; `rename`;
//! `skip_serializing_if = "path"`; `skip` and `skip_serializing`; `flatten` (of a type that
//! writes its fields into the enclosing object, `dialoge_api::write::ToJsonFields`, such as a
//! `Map`). Deserialize-only attributes are ignored. Anything else (`serialize_with`,
//! `rename_all`, enums, type parameters, …) is a compile error, so it cannot silently write
//! differently from serde: write those by hand.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;
use quote::quote;
use syn::{parse_macro_input, Data, DeriveInput, Fields, LitStr};

/// See the crate documentation.
#[proc_macro_derive(FromJson, attributes(serde))]
pub fn derive_from_json(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// How a missing field is filled in.
enum Missing {
    /// `FromJson::missing`: `None` for an `Option`, else a "missing field" error.
    Required,
    /// `#[serde(default)]`.
    Default,
    /// `#[serde(default = "path")]`.
    Path(syn::ExprPath),
}

struct Field {
    ident: syn::Ident,
    key: String,
    missing: Missing,
    /// Only for fields that `skip_deserializing`: never read, always defaulted.
    skip: bool,
}

/// The named fields of a plain struct, or the error `derive` reports for anything else.
fn named_fields<'a>(input: &'a DeriveInput, derive: &str) -> syn::Result<&'a syn::FieldsNamed> {
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            format!(
                "{derive}: only structs (write enums by hand, see dialoge_api's tagged unions)"
            ),
        ));
    };
    let Fields::Named(named) = &data.fields else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            format!("{derive}: only structs with named fields"),
        ));
    };
    Ok(named)
}

fn expand(input: &DeriveInput) -> syn::Result<TokenStream2> {
    let name = &input.ident;
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &input.generics,
            "FromJson: generic types are not supported",
        ));
    }
    let container_default = container_attrs(&input.attrs)?;
    let named = named_fields(input, "FromJson")?;
    let mut fields = Vec::new();
    for f in &named.named {
        let Some(ident) = f.ident.clone() else {
            continue;
        };
        fields.push(field_attrs(ident, &f.attrs)?);
    }

    let body = if container_default {
        // serde starts from `Self::default()` and takes every missing field from it.
        let assigns = fields.iter().map(|f| {
            let ident = &f.ident;
            let key = &f.key;
            let fill = match &f.missing {
                Missing::Required => quote! {},
                Missing::Default => quote! { out.#ident = ::core::default::Default::default(); },
                Missing::Path(path) => quote! { out.#ident = #path(); },
            };
            if f.skip {
                fill
            } else if matches!(f.missing, Missing::Required) {
                // Missing keeps the container's default: one call of a helper shared by every
                // field of the same type, not an inlined read, match and drop per field.
                quote! { ::dialoge_api::json::field(object, #key, &mut out.#ident)?; }
            } else {
                quote! {
                    if let ::core::option::Option::Some(v) = ::dialoge_api::json::optional(object, #key)? {
                        out.#ident = v;
                    } else {
                        #fill
                    }
                }
            }
        });
        quote! {
            let mut out: Self = ::core::default::Default::default();
            #(#assigns)*
            ::core::result::Result::Ok(out)
        }
    } else {
        let inits = fields.iter().map(|f| {
            let ident = &f.ident;
            let key = &f.key;
            let read = match (&f.missing, f.skip) {
                (Missing::Required, true) | (Missing::Default, true) => {
                    quote! { ::core::default::Default::default() }
                }
                (Missing::Path(path), true) => quote! { #path() },
                (Missing::Required, false) => {
                    quote! { ::dialoge_api::json::required(object, #key)? }
                }
                (Missing::Default, false) => {
                    quote! { ::dialoge_api::json::or_default(object, #key)? }
                }
                (Missing::Path(path), false) => quote! {
                    ::dialoge_api::json::optional(object, #key)?.unwrap_or_else(#path)
                },
            };
            quote! { #ident: #read }
        });
        quote! {
            ::core::result::Result::Ok(Self { #(#inits,)* })
        }
    };

    Ok(quote! {
        impl ::dialoge_api::json::FromJson for #name {
            fn from_json(
                value: &::dialoge_api::json::Value,
            ) -> ::core::result::Result<Self, ::dialoge_api::json::Error> {
                let object = ::dialoge_api::json::object(value)?;
                #body
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                ::dialoge_api::json::deserialize(deserializer)
            }
        }
    })
}

/// Container attributes: returns whether the struct has `#[serde(default)]`.
fn container_attrs(attrs: &[syn::Attribute]) -> syn::Result<bool> {
    let mut default = false;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("default") {
                if meta.input.peek(syn::Token![=]) {
                    return Err(
                        meta.error("FromJson: struct-level `default = path` is not supported")
                    );
                }
                default = true;
                Ok(())
            } else {
                Err(meta.error("FromJson: unsupported container attribute; use serde's derive"))
            }
        })?;
    }
    Ok(default)
}

fn field_attrs(ident: syn::Ident, attrs: &[syn::Attribute]) -> syn::Result<Field> {
    let mut field = Field {
        key: ident.to_string().trim_start_matches("r#").to_owned(),
        ident,
        missing: Missing::Required,
        skip: false,
    };
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            let path = &meta.path;
            if path.is_ident("default") {
                field.missing = if meta.input.peek(syn::Token![=]) {
                    let lit: LitStr = meta.value()?.parse()?;
                    Missing::Path(lit.parse()?)
                } else {
                    Missing::Default
                };
                Ok(())
            } else if path.is_ident("rename") {
                let lit: LitStr = meta.value()?.parse()?;
                field.key = lit.value();
                Ok(())
            } else if path.is_ident("skip") || path.is_ident("skip_deserializing") {
                field.skip = true;
                if matches!(field.missing, Missing::Required) {
                    field.missing = Missing::Default;
                }
                Ok(())
            } else if path.is_ident("skip_serializing_if") || path.is_ident("serialize_with") {
                let _: LitStr = meta.value()?.parse()?;
                Ok(())
            } else if path.is_ident("skip_serializing") {
                Ok(())
            } else {
                Err(meta.error("FromJson: unsupported field attribute; use serde's derive"))
            }
        })?;
    }
    Ok(field)
}

/// See the crate documentation.
#[proc_macro_derive(ToJson, attributes(serde))]
pub fn derive_to_json(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand_to_json(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// A field as `Serialize` writes it.
struct OutField {
    ident: syn::Ident,
    key: String,
    /// `skip_serializing_if`: left out when this returns true.
    skip_if: Option<syn::ExprPath>,
    /// `skip` or `skip_serializing`: never written.
    skip: bool,
    /// `flatten`: its fields go into this object.
    flatten: bool,
}

fn expand_to_json(input: &DeriveInput) -> syn::Result<TokenStream2> {
    let name = &input.ident;
    // Lifetimes only: a type parameter would need a `ToJson` bound serde's derive infers.
    if let Some(param) = input
        .generics
        .params
        .iter()
        .find(|p| !matches!(p, syn::GenericParam::Lifetime(_)))
    {
        return Err(syn::Error::new_spanned(
            param,
            "ToJson: only lifetime parameters are supported",
        ));
    }
    to_json_container_attrs(&input.attrs)?;
    let named = named_fields(input, "ToJson")?;
    let mut fields = Vec::new();
    for f in &named.named {
        let Some(ident) = f.ident.clone() else {
            continue;
        };
        fields.push(to_json_field_attrs(ident, &f.attrs)?);
    }

    let mut writes = Vec::new();
    for f in fields.iter().filter(|f| !f.skip) {
        let ident = &f.ident;
        let write = if f.flatten {
            quote! { ::dialoge_api::write::ToJsonFields::write_fields(&self.#ident, object); }
        } else {
            let quoted = quoted_key(ident, &f.key)?;
            quote! { ::dialoge_api::write::ToJson::write_json(&self.#ident, object.key(#quoted)); }
        };
        writes.push(match &f.skip_if {
            Some(path) => quote! { if !#path(&self.#ident) { #write } },
            None => write,
        });
    }
    if writes.is_empty() {
        writes.push(quote! { let _ = object; });
    }

    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics ::dialoge_api::write::ToJsonFields for #name #ty_generics #where_clause {
            fn write_fields(&self, object: &mut ::dialoge_api::write::Object<'_>) {
                #(#writes)*
            }
        }

        impl #impl_generics ::dialoge_api::write::ToJson for #name #ty_generics #where_clause {
            fn write_json(&self, out: &mut ::std::string::String) {
                ::dialoge_api::write::write_object(self, out);
            }
        }
    })
}

/// `"key":` as JSON text, made once here rather than escaped at run time.
fn quoted_key(ident: &syn::Ident, key: &str) -> syn::Result<String> {
    if key.chars().any(|c| c == '"' || c == '\\' || c.is_control()) {
        return Err(syn::Error::new_spanned(
            ident,
            "ToJson: a key JSON would escape is not supported",
        ));
    }
    Ok(format!("\"{key}\":"))
}

/// Container attributes: only deserialize-only ones (`default`), which writing ignores.
fn to_json_container_attrs(attrs: &[syn::Attribute]) -> syn::Result<()> {
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("default") {
                if meta.input.peek(syn::Token![=]) {
                    let _: LitStr = meta.value()?.parse()?;
                }
                Ok(())
            } else {
                Err(meta.error("ToJson: unsupported container attribute; write ToJson by hand"))
            }
        })?;
    }
    Ok(())
}

fn to_json_field_attrs(ident: syn::Ident, attrs: &[syn::Attribute]) -> syn::Result<OutField> {
    let mut field = OutField {
        key: ident.to_string().trim_start_matches("r#").to_owned(),
        ident,
        skip_if: None,
        skip: false,
        flatten: false,
    };
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            let path = &meta.path;
            if path.is_ident("rename") {
                let lit: LitStr = meta.value()?.parse()?;
                field.key = lit.value();
                Ok(())
            } else if path.is_ident("skip_serializing_if") {
                let lit: LitStr = meta.value()?.parse()?;
                field.skip_if = Some(lit.parse()?);
                Ok(())
            } else if path.is_ident("skip") || path.is_ident("skip_serializing") {
                field.skip = true;
                Ok(())
            } else if path.is_ident("flatten") {
                field.flatten = true;
                Ok(())
            } else if path.is_ident("default") {
                if meta.input.peek(syn::Token![=]) {
                    let _: LitStr = meta.value()?.parse()?;
                }
                Ok(())
            } else if path.is_ident("skip_deserializing") {
                Ok(())
            } else {
                Err(meta.error("ToJson: unsupported field attribute; write ToJson by hand"))
            }
        })?;
    }
    Ok(field)
}
