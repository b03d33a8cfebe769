//! The endpoint a client sends to: the configured override, or the service's URL template
//! with its region and variables filled in, each from the configuration, its environment
//! variable or the spec's default, and checked against the values the spec allows.

use crate::client::BuildError;
use crate::meta::ServiceMeta;

/// The endpoint: the override, or the service's template with `{region}` and the other
/// variables filled in (config setting, else its environment variable, else the default).
pub(crate) fn resolve_endpoint(
    service: &'static ServiceMeta,
    override_url: Option<&str>,
    region: Option<&str>,
    settings: &[(String, String)],
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<url::Url, BuildError> {
    let url = match override_url {
        Some(url) => url.to_owned(),
        None => {
            let mut url = service.endpoint.to_owned();
            if url.contains("{region}") {
                let region = region.ok_or(BuildError::MissingRegion {
                    service: service.title,
                })?;
                url = url.replace("{region}", region);
            }
            for (name, _) in settings {
                if !service.endpoint_variables.iter().any(|v| v.name == name) {
                    return Err(BuildError::InvalidEndpointVariable {
                        service: service.title,
                        name: name.clone(),
                        reason: "the endpoint template has no such variable".into(),
                    });
                }
            }
            for variable in service.endpoint_variables {
                let (value, from) = match settings.iter().find(|(n, _)| n == variable.name) {
                    Some((_, value)) => (value.clone(), "the client configuration".to_owned()),
                    None => match variable.env.and_then(|var| Some((env(var)?, var))) {
                        Some((value, var)) => (value, format!("environment variable {var}")),
                        None => (variable.default.to_owned(), "the default".to_owned()),
                    },
                };
                if !variable.allowed.is_empty() && !variable.allowed.contains(&value.as_str()) {
                    return Err(BuildError::InvalidEndpointVariable {
                        service: service.title,
                        name: variable.name.to_owned(),
                        reason: format!(
                            "{value:?} (from {from}) is not one of {}",
                            variable.allowed.join(", ")
                        ),
                    });
                }
                url = url.replace(&format!("{{{}}}", variable.name), &value);
            }
            url
        }
    };
    let mut parsed = url::Url::parse(&url).map_err(|source| BuildError::InvalidEndpoint {
        service: service.title,
        url: url.clone(),
        source,
    })?;
    // `join` treats the last path segment as a file unless the path ends in `/`.
    if !parsed.path().ends_with('/') {
        let path = format!("{}/", parsed.path());
        parsed.set_path(&path);
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::{AuthMeta, EndpointVariable, ErrorCodeSource};

    static SCP_LIKE: ServiceMeta = ServiceMeta {
        title: "SCP-like",
        endpoint: "https://costexplorer.{environment}.samsungsdscloud.com",
        endpoint_variables: &[EndpointVariable {
            name: "environment",
            default: "s",
            allowed: &["s", "g", "e"],
            env: Some("SCP_ENVIRONMENT"),
        }],
        auth: AuthMeta::ScpHmac {
            api_version: "costexplorer 1.0",
        },
        error_codes: ErrorCodeSource::HttpStatus,
        common_errors: &[],
        error_body: crate::meta::ErrorBodyMeta {
            code: &[],
            message: &[],
            request_id: &[],
        },
    };

    fn resolve(settings: &[(&str, &str)], env: Option<&str>) -> Result<String, String> {
        let settings: Vec<(String, String)> = settings
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        let lookup = |name: &str| (name == "SCP_ENVIRONMENT").then(|| env.map(str::to_owned))?;
        resolve_endpoint(&SCP_LIKE, None, None, &settings, &lookup)
            .map(|u| u.to_string())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn endpoint_variables_come_from_config_then_environment_then_default() {
        assert_eq!(
            resolve(&[], None).unwrap(),
            "https://costexplorer.s.samsungsdscloud.com/"
        );
        assert_eq!(
            resolve(&[], Some("g")).unwrap(),
            "https://costexplorer.g.samsungsdscloud.com/"
        );
        assert_eq!(
            resolve(&[("environment", "e")], Some("g")).unwrap(),
            "https://costexplorer.e.samsungsdscloud.com/"
        );
    }

    #[test]
    fn endpoint_variables_outside_the_spec_are_refused() {
        assert_eq!(
            resolve(&[], Some("x")).unwrap_err(),
            "SCP-like: endpoint variable `environment`: \"x\" (from environment variable \
             SCP_ENVIRONMENT) is not one of s, g, e"
        );
        assert_eq!(
            resolve(&[("environment", "kr")], None).unwrap_err(),
            "SCP-like: endpoint variable `environment`: \"kr\" (from the client configuration) \
             is not one of s, g, e"
        );
        assert_eq!(
            resolve(&[("region", "s")], None).unwrap_err(),
            "SCP-like: endpoint variable `region`: the endpoint template has no such variable"
        );
    }

    #[test]
    fn an_endpoint_url_replaces_the_template() {
        let url = resolve_endpoint(
            &SCP_LIKE,
            Some("http://127.0.0.1:9/base"),
            None,
            &[("environment".into(), "x".into())],
            &|_| None,
        )
        .unwrap();
        assert_eq!(url.as_str(), "http://127.0.0.1:9/base/");
    }
}
