//! The signer of a client: the service's auth scheme (SigV4 or SCP's HMAC headers) with the
//! credentials and region the configuration gives, or the chain that finds them. Chosen
//! once, when the client is built; `client` signs each attempt with it.

use std::fmt;
#[cfg(feature = "aws")]
use std::sync::Arc;

#[cfg(feature = "aws")]
use crate::aws_auth::{self, ProvideAwsCredentials};
use crate::client::BuildError;
use crate::config::Config;
use crate::meta::{AuthMeta, ServiceMeta};
#[cfg(feature = "scp")]
use crate::scp::{ScpCredentials, ScpSigner};

/// How a request is signed: the auth scheme of the service, with its credentials.
pub(crate) enum Signer {
    #[cfg(feature = "aws")]
    Aws {
        credentials: Arc<dyn ProvideAwsCredentials>,
        region: String,
        signing_name: &'static str,
    },
    #[cfg(feature = "scp")]
    Scp(Box<ScpSigner>),
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            #[cfg(feature = "aws")]
            Self::Aws {
                credentials,
                region,
                signing_name,
            } => f
                .debug_struct("SigV4")
                .field("credentials", credentials)
                .field("region", region)
                .field("signing_name", signing_name)
                .finish(),
            #[cfg(feature = "scp")]
            Self::Scp(signer) => signer.fmt(f),
        }
    }
}

/// The signer of `service`'s auth scheme, and the region the endpoint is built with.
pub(crate) fn signer_for(
    service: &'static ServiceMeta,
    config: &Config,
) -> Result<(Signer, Option<String>), BuildError> {
    let title = service.title;
    Ok(match service.auth {
        #[cfg(feature = "aws")]
        AuthMeta::SigV4 {
            signing_name,
            signing_region,
        } => {
            let region = config
                .region
                .clone()
                .or_else(|| aws_auth::default_region(config.profile.as_deref()));
            let signing = signing_region.map(str::to_owned).or_else(|| region.clone());
            let signing = signing.ok_or(BuildError::MissingRegion { service: title })?;
            let credentials = config
                .aws_credentials
                .clone()
                .unwrap_or_else(|| aws_auth::default_credentials_chain(config.profile.as_deref()));
            (
                Signer::Aws {
                    credentials,
                    region: signing,
                    signing_name,
                },
                region,
            )
        }
        #[cfg(feature = "scp")]
        AuthMeta::ScpHmac { api_version } => {
            let credentials = match &config.scp_credentials {
                Some(c) => c.clone(),
                None => ScpCredentials::load().map_err(|source| BuildError::Credentials {
                    service: title,
                    source,
                })?,
            };
            let signer = ScpSigner::new(credentials, api_version)
                .with_accept_language(config.accept_language.clone());
            (Signer::Scp(Box::new(signer)), config.region.clone())
        }
        // A generated client turns its family's feature on; only a hand-made ServiceMeta
        // can get here.
        #[cfg(not(feature = "aws"))]
        AuthMeta::SigV4 { .. } => {
            return Err(BuildError::FeatureDisabled {
                service: title,
                feature: "aws",
            })
        }
        #[cfg(not(feature = "scp"))]
        AuthMeta::ScpHmac { .. } => {
            return Err(BuildError::FeatureDisabled {
                service: title,
                feature: "scp",
            })
        }
    })
}
