//! Token exchange fails at run time, inside Entra, with nothing but an AADSTS code and a one-line
//! message, while the misconfiguration behind it usually sits in a manifest or credential export
//! that wiflint can read offline. This table closes that gap for `wiflint explain AADSTS70021`: it
//! maps each code to its usual causes and to the rules that catch them before deployment, and says
//! plainly when no offline check can (propagation delay, tenant policy, clock skew), so that a clean
//! scan is not mistaken for an all-clear.
//!
//! The facts come from `domain-facts.md` §2. Microsoft does not document several of these codes, so
//! every entry carries its source (a link or a named document) and how sure it is, and hearsay is
//! marked "unconfirmed", in words a user reads without knowing wiflint's notes. The table is
//! hand-written data, not derived from the rule registry, because the codes are Entra's, not ours;
//! the rule ids it names are cross-checked against the registry there, which keeps this module free
//! of crate dependencies.

use std::fmt::Write as _;

/// One Entra error code as a user meets it in a failed token request.
#[derive(Debug)]
pub struct Code {
    /// With the `AADSTS` prefix, as it appears in the error, so it prints as the user saw it.
    pub code: &'static str,
    pub title: &'static str,
    pub meaning: &'static str,
    /// Most likely or most fixable first, so the page leads with what to change.
    pub causes: &'static [Cause],
    /// Several codes are known only from third-party reports; the user must be able to tell a
    /// documented fact from hearsay before acting on it.
    pub source: &'static str,
}

/// One way to end up with a code.
///
/// A cause that no rule can see ends its text with `. Check …`, the manual check, because a clean
/// scan says nothing about it and the user needs to know where to look instead.
#[derive(Debug)]
pub struct Cause {
    pub text: &'static str,
    /// Empty when the cause lives where no scanned file shows it (Entra state, timing, policy).
    pub rules: &'static [&'static str],
}

/// Splits the manual check off a rule-less cause; see [`Cause`].
const CHECK: &str = ". Check ";

const PREFIX: &str = "AADSTS";

/// Printed under every page and the unknown-code list: even documented texts may drift.
const NOTE: &str = "Microsoft says error codes and their texts \"are subject to change at any \
    time\" (https://learn.microsoft.com/entra/identity-platform/reference-error-codes).";

const REFERENCE_URL: &str =
    "https://learn.microsoft.com/entra/identity-platform/reference-error-codes";

// Issuer causes are shared by AADSTS70021 and its issuer-specific form AADSTS700211.

const ISSUER_SLASH: Cause = Cause {
    text: "The credential's issuer differs from the token's `iss` only by a trailing `/`: AKS \
        issuers end in `/`, the GitHub Actions issuer does not.",
    rules: &["issuer-trailing-slash", "issuer-cluster-mismatch"],
};

const ISSUER_OTHER: Cause = Cause {
    text: "The credential's issuer is not the one that minted the token: another or a re-created \
        cluster (each AKS issuer URL is unique to its cluster), or a Vault plugin issuer with the \
        wrong base or path (e.g. missing `/plugins`).",
    rules: &["issuer-cluster-mismatch", "vault-issuer-mismatch"],
};

const ISSUER_WHITESPACE: Cause = Cause {
    text: "The issuer has leading or trailing whitespace, which blocks the exchange.",
    rules: &["issuer-not-https"],
};

const ISSUER_OIDC_DISABLED: Cause = Cause {
    text: "The cluster's OIDC issuer is not enabled, so its ServiceAccount tokens do not carry the \
        issuer URL the credential names (inferred).",
    rules: &["cluster-oidc-issuer-disabled"],
};

const TENANT_POLICY: &[Cause] = &[Cause {
    text: "A tenant policy disables or restricts workload identity federation; the credential \
        itself may be correct. Check with a tenant administrator which policy applies to the app \
        or managed identity.",
    rules: &[],
}];

const TENANT_POLICY_MEANING: &str = "The tenant does not allow this federated token exchange. The \
    source gives AADSTS700223 and AADSTS700238 this one meaning; which policy yields which code is \
    not known.";

const TENANT_POLICY_SOURCE: &str = "Azure DevOps workload identity federation troubleshooting docs \
    (public code search). Semi-verified.";

const MI_AS_FIC: &[Cause] = &[
    Cause {
        text: "The assertion is not a token of a user-assigned managed identity (e.g. an app's \
            token, or a system-assigned identity's, which this setup does not support). Check \
            which identity the code acquires the assertion with.",
        rules: &[],
    },
    Cause {
        text: "The assertion's audience is not the cloud's exchange audience \
            (`api://AzureADTokenExchange`, `api://AzureADTokenExchangeUSGov` or \
            `api://AzureADTokenExchangeChina`). Check the audience the code requests the managed \
            identity token for, and the credential's audience.",
        rules: &[],
    },
    Cause {
        text: "The managed identity is in another tenant than the app registration. Check that the \
            issuer `https://login.microsoftonline.com/<tenant>/v2.0` names the app's tenant and \
            that the subject is the object (principal) id of a user-assigned managed identity in \
            that tenant.",
        rules: &[],
    },
];

const MI_AS_FIC_MEANING: &str = "An app registration trusts a managed identity through an Entra \
    issuer (the managed-identity-as-credential setup), and the presented token breaks one of its \
    conditions. Third-party notes tie AADSTS700226, AADSTS700227 and AADSTS700236 to a token that \
    is not a managed identity token, a forbidden audience, and a token from another tenant; which \
    code means which is unconfirmed.";

const MI_AS_FIC_SOURCE: &str = "Third-party notes only; unconfirmed, including the wording and which \
    code is which. The setup's conditions: Microsoft's \"Configure an application to trust a managed \
    identity\" (https://learn.microsoft.com/entra/workload-id/workload-identity-federation-config-app-trust-managed-identity).";

pub static CODES: &[Code] = &[
    Code {
        code: "AADSTS50005",
        title: "Conditional Access device policy blocked the request",
        meaning: "Seen when creating a federated credential through Microsoft Graph, not during \
            token exchange: a Conditional Access device policy applies to the account that makes \
            the Graph call.",
        causes: &[Cause {
            text: "A Conditional Access device policy covers the account that creates the \
                credential through Graph. Check the tenant's sign-in logs for that account, and \
                ask an administrator which policy applied.",
            rules: &[],
        }],
        source: "Azure Workload Identity's \"Known Issues\" page \
            (https://azure.github.io/azure-workload-identity/docs/known-issues.html).",
    },
    Code {
        code: "AADSTS50027",
        title: "InvalidJwtToken: invalid JWT token",
        meaning: "Entra rejected the presented token itself. Microsoft lists these reasons: no \
            nonce or sub claim, subject identifier mismatch, a duplicate claim, an unexpected \
            issuer or audience, a token outside its valid time range, a malformed token, or an \
            external token that failed signature verification.",
        causes: &[
            Cause {
                text: "The token's audience is not the one the credential expects, e.g. a \
                    ServiceAccount token for the API server rather than the projected workload \
                    identity token.",
                rules: &["audience-not-default", "token-file-path-hardcoded"],
            },
            Cause {
                text: "The issuer signs with another algorithm than RS256, which Microsoft has not \
                    tested.",
                rules: &["vault-signing-key-not-rs256"],
            },
            Cause {
                text: "The token's signature does not verify against the keys the issuer publishes \
                    (keys rotated, or a discovery document that serves another issuer's keys). \
                    Check `<issuer>/.well-known/openid-configuration` and its `jwks_uri` against \
                    the token's `kid`.",
                rules: &[],
            },
        ],
        source: "Microsoft's error code reference \
            (https://learn.microsoft.com/entra/identity-platform/reference-error-codes).",
    },
    Code {
        code: "AADSTS53003",
        title: "BlockedByConditionalAccess: access has been blocked by Conditional Access policies",
        meaning: "A Conditional Access policy denied the token. Conditional Access for workload \
            identities applies to service principals, so the federated exchange itself can be \
            right while a location or risk policy blocks the identity.",
        causes: &[Cause {
            text: "A Conditional Access policy covers the app or managed identity, e.g. one that \
                allows only named locations that exclude the cluster's egress addresses. Check the \
                service principal sign-in logs for the policy that applied.",
            rules: &[],
        }],
        source: "Microsoft's error code reference \
            (https://learn.microsoft.com/entra/identity-platform/reference-error-codes).",
    },
    Code {
        code: "AADSTS70011",
        title: "InvalidScope: the scope requested by the app is invalid",
        meaning: "The token request asks for a scope Entra rejects. The scope comes from the \
            application code or SDK call that requests the access token, not from the federation \
            setup, so the federated credential can be correct while this fails.",
        causes: &[Cause {
            text: "The workload requests a wrong or misspelt scope for the target resource. Check \
                the scope string the application passes when it asks for a token.",
            rules: &[],
        }],
        source: "entra-docs docs/identity-platform/reference-error-codes.md (official error table).",
    },
    Code {
        code: "AADSTS70021",
        title: "No matching federated identity record found for presented assertion",
        meaning: "Entra found no federated credential on the app or managed identity whose issuer, \
            subject and audience all equal the presented token's `iss`, `sub` and `aud`. The \
            comparison is exact: one trailing `/` is a mismatch. The error message shows the \
            assertion's Issuer, Subject and Audience; compare them character by character with the \
            credential. Entra also has field-specific forms: AADSTS700211 (issuer), AADSTS700212 \
            (audience) and AADSTS700213 (subject); see those for audience and subject causes.",
        causes: &[
            ISSUER_SLASH,
            ISSUER_OTHER,
            ISSUER_WHITESPACE,
            ISSUER_OIDC_DISABLED,
            Cause {
                text: "The token is exchanged for another identity than the one holding the \
                    credential: a container sets `AZURE_CLIENT_ID` to a different client id, which \
                    the webhook never overwrites (inferred).",
                rules: &["client-id-env-mismatch"],
            },
            Cause {
                text: "The credential was created or changed moments ago and has not propagated \
                    yet; requests can fail for a couple of minutes. Check when the credential was \
                    created or changed, and retry after a few minutes.",
                rules: &[],
            },
        ],
        source: "Azure Workload Identity's \"Troubleshooting\" page (AKS trailing-slash example, \
            https://azure.github.io/azure-workload-identity/docs/troubleshooting.html); propagation: \
            Microsoft's \"Important considerations and restrictions for federated identity \
            credentials\" (https://learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations). \
            Not in Microsoft's error code reference.",
    },
    Code {
        code: "AADSTS70023",
        title: "External OIDC Provider token must have a lifetime of less than or equal to 1.01:00:00",
        meaning: "The presented token's lifetime (`exp` minus `iat`) is longer than Entra accepts \
            from an external issuer: at most 1 day and 1 hour (25 hours). Entra checks the \
            lifetime the issuer granted, not the time left.",
        causes: &[
            Cause {
                text: "A Vault azure mount's `identity_token_ttl` is longer than 25 hours.",
                rules: &["vault-token-ttl-invalid"],
            },
            Cause {
                text: "Another issuer mints long-lived tokens, or the workload presents a legacy \
                    or long-lived ServiceAccount token instead of the projected one (the webhook \
                    caps its token at 86400 s). Check the `iat` and `exp` of the token the \
                    workload presents.",
                rules: &[],
            },
        ],
        source: "Entra's message, verbatim, in https://github.com/MicrosoftDocs/azure-docs/issues/86916. \
            Not in Microsoft's error code reference.",
    },
    Code {
        code: "AADSTS70025",
        title: "The client has no configured federated identity credentials",
        meaning: "The app registration or managed identity that the client id names has no \
            federated identity credential at all, so no token can be exchanged for it. Entra's \
            message reads \"The client '<name>' has no configured federated identity \
            credentials.\"",
        causes: &[
            Cause {
                text: "The ServiceAccount's `client-id` names an identity with no credential, or \
                    another identity than the one that holds the credentials.",
                rules: &[
                    "service-account-without-credential",
                    "client-id-env-mismatch",
                ],
            },
            Cause {
                text: "The credential was created moments ago and has not propagated yet, or was \
                    created on another identity. Check `az identity federated-credential list` \
                    (or the app's federated credentials) for the identity whose client id the \
                    workload uses.",
                rules: &[],
            },
        ],
        source: "Entra's message as users quote it; Microsoft's lookup page: \
            https://login.microsoftonline.com/error?code=70025. Not in Microsoft's error code \
            reference.",
    },
    Code {
        code: "AADSTS90002",
        title: "InvalidTenantName: the tenant name wasn't found in the data store",
        meaning: "The token request went to a tenant Entra does not know in this cloud. \
            Microsoft notes that this often comes from a cross-cloud app used against the wrong \
            cloud.",
        causes: &[
            Cause {
                text: "The ServiceAccount's `tenant-id` annotation is neither a GUID nor a domain \
                    name, or is empty and suppresses the cluster's tenant.",
                rules: &["tenant-id-invalid", "tenant-id-empty"],
            },
            Cause {
                text: "The tenant id is well formed but wrong, or belongs to another cloud than \
                    the authority host the pod uses (`AZURE_AUTHORITY_HOST`). Check the tenant id \
                    with `az account show --query tenantId` in the identity's cloud.",
                rules: &[],
            },
        ],
        source: "Microsoft's error code reference \
            (https://learn.microsoft.com/entra/identity-platform/reference-error-codes).",
    },
    Code {
        code: "AADSTS90061",
        title: "Request to External OIDC endpoint failed",
        meaning: "Entra could not fetch the issuer's OIDC discovery document \
            (`<issuer>/.well-known/openid-configuration`) or the signing keys it points to, so it \
            cannot verify the token. Both must be publicly reachable.",
        causes: &[
            Cause {
                text: "The Vault issuer cannot be reached from outside: its base is `http://`, \
                    `localhost`, a loopback or a private address, or neither `issuer` nor \
                    `api_addr` is set.",
                rules: &["vault-issuer-unset"],
            },
            Cause {
                text: "The issuer is not an absolute `https://` URL. A HashiCorp support article \
                    says Entra needs an issuer with a publicly trusted certificate; that Entra \
                    enforces https itself is unconfirmed.",
                rules: &["issuer-not-https"],
            },
            Cause {
                text: "The issuer looks right but its discovery document or keys are not publicly \
                    reachable (firewall, private DNS, a certificate from a private CA). Check that \
                    `<issuer>/.well-known/openid-configuration` and its `jwks_uri` load from a \
                    machine outside your network.",
                rules: &[],
            },
        ],
        source: "Azure Workload Identity's \"Troubleshooting\" page \
            (https://azure.github.io/azure-workload-identity/docs/troubleshooting.html); publicly \
            trusted CA: https://support.hashicorp.com/hc/en-us/articles/44981193143955.",
    },
    Code {
        code: "AADSTS500011",
        title: "InvalidResourceServicePrincipalNotFound: the resource principal was not found in \
            the tenant",
        meaning: "The exchange itself succeeded far enough for Entra to look up the resource the \
            workload asked a token for, and that resource has no service principal in the tenant.",
        causes: &[Cause {
            text: "The application requests a scope for a resource that is not in the tenant, a \
                misspelt resource URI, or a malformed scope (one SDK release requested \
                `api://AzureADTokenExchange./default`). Check the scope string the application \
                passes, and that the resource exists in the identity's tenant.",
            rules: &[],
        }],
        source: "Microsoft's error code reference \
            (https://learn.microsoft.com/entra/identity-platform/reference-error-codes); the SDK \
            example: https://github.com/AzureAD/microsoft-identity-web/issues/2793.",
    },
    Code {
        code: "AADSTS700016",
        title: "UnauthorizedClient_DoesNotMatchRequest: the application wasn't found in the \
            directory/tenant",
        meaning: "The client id in the token request names no application or managed identity in \
            the tenant the request went to. With Azure Workload Identity the client id comes from \
            the ServiceAccount's `azure.workload.identity/client-id` annotation and the tenant from \
            its `tenant-id` annotation or the cluster default, unless a container sets \
            `AZURE_CLIENT_ID` or `AZURE_TENANT_ID` itself.",
        causes: &[
            Cause {
                text: "The `client-id` annotation is not a GUID: an unrendered placeholder, a \
                    redacted value or a typo.",
                rules: &["client-id-not-guid"],
            },
            Cause {
                text: "A container sets `AZURE_CLIENT_ID` or `AZURE_TENANT_ID` to a value that \
                    differs from the ServiceAccount's annotations; the webhook keeps the \
                    container's value.",
                rules: &["client-id-env-mismatch"],
            },
            Cause {
                text: "The `tenant-id` annotation is neither a GUID nor a domain name.",
                rules: &["tenant-id-invalid"],
            },
            Cause {
                text: "The client id or tenant is well-formed but wrong: another identity's id, \
                    the identity's principal (object) id instead of its client id, or a deleted \
                    identity. Check the annotation against `az identity show --query clientId` \
                    (or the app registration's `appId`) and the tenant the identity lives in.",
                rules: &[],
            },
        ],
        source: "entra-docs docs/identity-platform/reference-error-codes.md (official error \
            table); where the client id and tenant come from: the Azure Workload Identity webhook \
            (https://github.com/Azure/azure-workload-identity, pkg/webhook/webhook.go).",
    },
    Code {
        code: "AADSTS700024",
        title: "Client assertion is not within its valid time range",
        meaning: "The presented token (the projected ServiceAccount token, or a CI system's OIDC \
            token) was expired, or not yet valid, by Entra's clock when it was presented.",
        causes: &[
            Cause {
                text: "The token had expired when it was presented. Check that the application \
                    reads `AZURE_FEDERATED_TOKEN_FILE` afresh for each token request rather than \
                    keeping an old copy (the kubelet refreshes the file).",
                rules: &[],
            },
            Cause {
                text: "The clock of the token issuer or of the nodes is skewed. Check their time \
                    synchronisation.",
                rules: &[],
            },
        ],
        source: "Third-party reports only; not in the official error table read. Semi-verified.",
    },
    Code {
        code: "AADSTS700027",
        title: "Client assertion failed signature validation",
        meaning: "Entra could not verify the presented token's signature with the keys the \
            issuer publishes.",
        causes: &[
            Cause {
                text: "The Vault OIDC key signs with an algorithm other than RS256.",
                rules: &["vault-signing-key-not-rs256"],
            },
            Cause {
                text: "The issuer's published keys do not include the key that signed the token: \
                    a rotated key, a cached discovery document, or a self-hosted issuer whose \
                    `jwks_uri` serves other keys. Check the token's `kid` against \
                    `<issuer>/.well-known/openid-configuration` and its `jwks_uri`.",
                rules: &[],
            },
        ],
        source: "Microsoft's error code reference \
            (https://learn.microsoft.com/entra/identity-platform/reference-error-codes).",
    },
    Code {
        code: "AADSTS700211",
        title: "No matching federated identity record found for presented assertion issuer",
        meaning: "The issuer-specific form of AADSTS70021: no federated credential's issuer equals \
            the token's `iss`, exactly. Entra's message reads \"No matching federated identity \
            record found for presented assertion issuer '<issuer>'. Please check your federated \
            identity credential Subject, Audience and Issuer against the presented assertion.\"",
        causes: &[
            ISSUER_SLASH,
            ISSUER_OTHER,
            ISSUER_WHITESPACE,
            ISSUER_OIDC_DISABLED,
        ],
        source: "Verbatim message quoted in https://github.com/Azure/azure-workload-identity/issues/1200. \
            Not in Microsoft's error code reference.",
    },
    Code {
        code: "AADSTS700212",
        title: "No matching federated identity record found for presented assertion audience",
        meaning: "The token's `aud` equals no federated credential's audience. A credential has \
            exactly one audience and the token's must match it exactly; the message quotes the \
            presented audience and asks to check the credential's Subject, Audience and Issuer.",
        causes: &[
            Cause {
                text: "For a Kubernetes subject, the credential's audience differs from the \
                    audience of the webhook's projected token (`api://AzureADTokenExchange` \
                    unless the webhook's `--audience` sets another), e.g. a US Government or China \
                    audience on a public-cloud cluster.",
                rules: &["audience-not-default"],
            },
            Cause {
                text: "For Vault, the credential's audience differs from the mount's \
                    `identity_token_audience`, or that is empty.",
                rules: &["vault-audience-mismatch"],
            },
            Cause {
                text: "The workload presents the default ServiceAccount token (audience: the API \
                    server) instead of the projected workload identity token, e.g. through an \
                    explicit `AZURE_FEDERATED_TOKEN_FILE`.",
                rules: &["token-file-path-hardcoded"],
            },
        ],
        source: "Verbatim message in public reports, e.g. \"No matching federated identity record \
            found for presented assertion audience '<aud>'\". Semi-verified. Not in Microsoft's \
            error code reference.",
    },
    Code {
        code: "AADSTS700213",
        title: "No matching federated identity record found for presented assertion subject",
        meaning: "The token's `sub` equals no federated credential's subject. Classic credentials \
            compare the subject exactly, without wildcards; the message quotes the presented \
            subject.",
        causes: &[
            Cause {
                text: "A Kubernetes subject is malformed: not exactly \
                    `system:serviceaccount:<namespace>:<name>`, or with uppercase, `_`, \
                    whitespace or quotes.",
                rules: &["subject-format-invalid"],
            },
            Cause {
                text: "The subject names the wrong namespace or ServiceAccount, or no credential \
                    exists for the ServiceAccount the pod runs as.",
                rules: &[
                    "subject-service-account-not-found",
                    "service-account-without-credential",
                ],
            },
            Cause {
                text: "A classic credential's subject uses `*` or `?`; wildcards work only in a \
                    flexible credential's `claimsMatchingExpression`.",
                rules: &["subject-wildcard"],
            },
            Cause {
                text: "A GitHub subject is malformed, e.g. `:pull-request` where the claim is \
                    `:pull_request`.",
                rules: &["github-subject-invalid"],
            },
            Cause {
                text: "The GitHub workflow presents another entity type than the credential names \
                    (environment, branch, tag or pull request), or an immutable \
                    `repo:<owner>@<id>/<repo>@<id>:…` subject while the credential uses the \
                    name-based form (GitHub applies immutable subjects to repositories created, \
                    renamed or transferred from 2026-07-15). Check the Subject quoted in the error \
                    message against the credential's subject.",
                rules: &[],
            },
            Cause {
                text: "A Vault `plugin-identity:` subject names the wrong mount accessor, or the \
                    mount path where the accessor belongs, or the mount has no credential.",
                rules: &[
                    "vault-subject-accessor-mismatch",
                    "vault-subject-uses-mount-path",
                    "vault-mount-without-credential",
                ],
            },
        ],
        source: "Entra's message, verbatim: \"No matching federated identity record found for \
            presented assertion subject '<subject>'. Please note that the matching is done using a \
            case-sensitive comparison. Check your federated identity credential Subject, Audience \
            and Issuer against the presented assertion.\" (quoted in \
            https://github.com/microsoft/terraform-provider-fabric/issues/23 and \
            https://github.com/dotnet/maui/pull/31978). Not in Microsoft's error code reference.",
    },
    Code {
        code: "AADSTS700222",
        title: "AAD-issued tokens may not be used for federated identity flows",
        meaning: "The credential's issuer is a Microsoft Entra issuer. Entra accepts such a \
            credential at creation but refuses it at exchange, except in the \
            managed-identity-as-credential setup (issuer \
            `https://login.microsoftonline.com/<tenant>/v2.0`, subject the object id of a \
            user-assigned managed identity in the same tenant).",
        causes: &[Cause {
            text: "The issuer host is `login.microsoftonline.com`, `login.windows.net`, \
                `login.microsoft.com` or `sts.windows.net` (or a subdomain) outside the \
                managed-identity-as-credential shape.",
            rules: &["entra-issuer-unsupported"],
        }],
        source: "Microsoft's \"Important considerations and restrictions for federated identity \
            credentials\", section \"Microsoft Entra issuers aren't supported\" \
            (https://learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations); \
            the exception: \"Configure an application to trust a managed identity\" \
            (https://learn.microsoft.com/entra/workload-id/workload-identity-federation-config-app-trust-managed-identity). \
            Not in Microsoft's error code reference.",
    },
    Code {
        code: "AADSTS700223",
        title: "Workload identity federation is disabled or blocked by tenant policy",
        meaning: TENANT_POLICY_MEANING,
        causes: TENANT_POLICY,
        source: TENANT_POLICY_SOURCE,
    },
    Code {
        code: "AADSTS700226",
        title: "Only MSI tokens may be used as Federated Identity Credentials for AAD issuer \
            (wording unconfirmed)",
        meaning: MI_AS_FIC_MEANING,
        causes: MI_AS_FIC,
        source: MI_AS_FIC_SOURCE,
    },
    Code {
        code: "AADSTS700227",
        title: "Managed identity used as a federated credential in a way Entra refuses \
            (unconfirmed)",
        meaning: MI_AS_FIC_MEANING,
        causes: MI_AS_FIC,
        source: MI_AS_FIC_SOURCE,
    },
    Code {
        code: "AADSTS700229",
        title: "ForbiddenTokenType: only app-only tokens can be used as Federated Identity \
            Credentials for Microsoft Entra issuer",
        meaning: "In the managed-identity-as-credential setup the presented assertion must be an \
            app-only token, one the managed identity obtained for itself; a token issued for a \
            signed-in user is refused.",
        causes: &[Cause {
            text: "The code obtains the assertion through a user's sign-in rather than as the \
                managed identity. Check that the assertion comes from the managed identity's own \
                token request.",
            rules: &[],
        }],
        source: "entra-docs docs/identity-platform/reference-error-codes.md (official error table).",
    },
    Code {
        code: "AADSTS700236",
        title: "Managed identity used as a federated credential in a way Entra refuses \
            (unconfirmed)",
        meaning: MI_AS_FIC_MEANING,
        causes: MI_AS_FIC,
        source: MI_AS_FIC_SOURCE,
    },
    Code {
        code: "AADSTS700238",
        title: "Workload identity federation is disabled or blocked by tenant policy",
        meaning: TENANT_POLICY_MEANING,
        causes: TENANT_POLICY,
        source: TENANT_POLICY_SOURCE,
    },
    Code {
        code: "AADSTS7000215",
        title: "Invalid client secret is provided",
        meaning: "The request authenticated with a client secret, not a federated token, and Entra \
            rejected the secret. With workload identity this means a secret-based credential ran \
            instead of federation.",
        causes: &[
            Cause {
                text: "A container of a workload identity pod sets `AZURE_CLIENT_SECRET`, so \
                    `DefaultAzureCredential` authenticates with that secret \
                    (EnvironmentCredential) before it tries WorkloadIdentityCredential.",
                rules: &["client-secret-env", "plaintext-client-secret"],
            },
            Cause {
                text: "On a Vault server, the `AZURE_CLIENT_SECRET` environment variable overrides \
                    the Azure plugin's stored configuration, workload identity federation \
                    included, and `vault read azure/config` never shows a secret. Check the Vault \
                    server's environment.",
                rules: &[],
            },
        ],
        source: "entra-docs docs/identity-platform/reference-error-codes.md (official error \
            table). Credential order: Azure Identity SDK docs (the secret taking precedence is \
            lightly verified). Vault: the Azure secrets plugin's provider.go and client.go \
            (https://github.com/hashicorp/vault-plugin-secrets-azure).",
    },
    Code {
        code: "AADSTS7000222",
        title: "InvalidClientSecretExpiredKeysProvided: the provided client secret keys are expired",
        meaning: "The request authenticated with a client secret, not a federated token, and the \
            secret has expired. With workload identity this means a secret-based credential ran \
            instead of federation.",
        causes: &[
            Cause {
                text: "A container of a workload identity pod sets `AZURE_CLIENT_SECRET` (or \
                    another credential variable), so `DefaultAzureCredential` uses it before it \
                    tries WorkloadIdentityCredential.",
                rules: &["client-secret-env", "plaintext-client-secret"],
            },
            Cause {
                text: "On a Vault server, the `AZURE_CLIENT_SECRET` environment variable overrides \
                    the Azure plugin's stored configuration. Check the Vault server's environment.",
                rules: &[],
            },
        ],
        source: "Microsoft's error code reference \
            (https://learn.microsoft.com/entra/identity-platform/reference-error-codes).",
    },
    Code {
        code: "AADSTS7000229",
        title: "The client application is missing service principal in the tenant",
        meaning: "The app registration exists but has no service principal (enterprise \
            application) in the tenant the token was requested from, so Entra cannot issue it a \
            token. Entra's message reads \"The client application <appId> is missing service \
            principal in the tenant <tenant>.\"",
        causes: &[Cause {
            text: "The app registration was created without a service principal, or in another \
                tenant. Check with `az ad sp show --id <appId>`, and create it with \
                `az ad sp create --id <appId>`.",
            rules: &[],
        }],
        source: "Entra's message as quoted in \
            https://github.com/Azure/Commercial-Marketplace-SaaS-Accelerator/issues/830. Not in \
            Microsoft's error code reference.",
    },
    Code {
        code: "AADSTS7002131",
        title: "No matching federated identity record or credential expression for presented \
            assertion",
        meaning: "The token matched no flexible federated credential's \
            `claimsMatchingExpression` (nor any subject). Unconfirmed: known from third-party \
            troubleshooting notes only.",
        causes: &[
            Cause {
                text: "The expression is malformed: `subject` and `claimsMatchingExpression` both \
                    set or both missing, `languageVersion` not 1, syntax other than \
                    `claims['<claim>'] eq|matches '<value>'` joined by ` and `, or an issuer that \
                    does not support flexible credentials.",
                rules: &["claims-expression-invalid"],
            },
            Cause {
                text: "The expression is valid but does not match the token's claims. Check the \
                    presented claims against the expression: `matches` takes `?` for one character \
                    and `*` for many, `eq` is exact.",
                rules: &[],
            },
        ],
        source: "Third-party troubleshooting notes only; unconfirmed.",
    },
    Code {
        code: "AADSTS7002138",
        title: "No matching federated identity record found for presented assertion subject \
            (case-sensitive matching)",
        meaning: "The token's `sub` matches no credential's subject under case-sensitive \
            comparison. Entra made the match case-sensitive in 2025, so a subject that differs \
            only in case (a GitHub organisation, repository or environment name) stopped working.",
        causes: &[
            Cause {
                text: "A Kubernetes subject has uppercase letters; namespace and ServiceAccount \
                    names are lowercase, so it can never match.",
                rules: &["subject-format-invalid"],
            },
            Cause {
                text: "A GitHub or other subject differs from the token's `sub` only in case. \
                    Check the Subject quoted in the error message against the credential, character by character.",
                rules: &[],
            },
        ],
        source: "Microsoft's breaking-change notice \"Federated identity credentials now use \
            case-sensitive matching\" \
            (https://learn.microsoft.com/entra/identity-platform/reference-breaking-changes); the \
            code as reported in https://github.com/Azure/login/issues/517. Not in Microsoft's \
            error code reference.",
    },
];

/// A code users meet while setting up workload identity that the exchange itself never returns:
/// answering "unknown code" would send them looking in the wrong place.
#[derive(Debug)]
pub struct Unrelated {
    pub code: &'static str,
    pub title: &'static str,
    /// Where the error comes from instead, and what to look at.
    pub instead: &'static str,
}

pub static UNRELATED: &[Unrelated] = &[
    Unrelated {
        code: "AADSTS50020",
        title: "UserUnauthorized: the user account from the identity provider does not exist in \
            the tenant",
        instead: "It is returned when a user signs in interactively with an account that is not \
            a member or guest of the tenant, e.g. `az login` or a portal sign-in to the wrong \
            directory. A workload identity exchange has no user. Check which account and tenant \
            the interactive sign-in used.",
    },
    Unrelated {
        code: "AADSTS65001",
        title: "DelegationDoesNotExist: the user or administrator hasn't consented to use the \
            application",
        instead: "It is returned when a token is requested on behalf of a user (delegated \
            permissions) and nobody has consented. A workload identity exchange is an app-only \
            client-credentials request with no user, so it does not need consent; if a workload \
            sees this, it is asking for a delegated token (e.g. an on-behalf-of flow). Check the \
            flow the application uses and grant consent to the permissions it asks for.",
    },
];

/// A whole pasted error (`AADSTS70021: No matching …`, or a JSON body from a log) names its code
/// somewhere inside; the first `AADSTS<digits>` is the one Entra reported. A bare code may also
/// come without the prefix or with the colon that follows it.
fn query_digits(query: &str) -> Option<&str> {
    if let Some(d) = digits(query) {
        return Some(d);
    }
    let lower = query.to_ascii_lowercase();
    let at = lower.find(&PREFIX.to_ascii_lowercase())? + PREFIX.len();
    let rest = query.get(at..)?;
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    rest.get(..end).filter(|d| !d.is_empty())
}

/// Users paste codes the way error messages and logs show them, so the prefix, case, whitespace,
/// the colon that follows the code and the message after it must not matter.
pub fn lookup(query: &str) -> Option<&'static Code> {
    find(CODES, |c| c.code, query)
}

fn find<T>(table: &'static [T], code: fn(&T) -> &str, query: &str) -> Option<&'static T> {
    let digits = query_digits(query)?;
    table
        .iter()
        .find(|c| code(c).get(PREFIX.len()..) == Some(digits))
}

/// `explain` takes rule ids and codes in one argument; rule ids are kebab-case words, so a number
/// or the `AADSTS` prefix anywhere (a pasted message) is enough to route the query here, where an
/// unknown code still gets a useful answer rather than "no such rule".
pub fn looks_like_code(query: &str) -> bool {
    strip_code_prefix(normalize(query)).is_some()
        || digits(query).is_some()
        || query
            .to_ascii_lowercase()
            .contains(&PREFIX.to_ascii_lowercase())
}

/// The answer for a code: its page, a pointer elsewhere for a code the exchange never returns,
/// or (as the error) the list of codes wiflint knows.
pub fn explain(query: &str) -> Result<String, String> {
    if let Some(code) = lookup(query) {
        return Ok(page(code));
    }
    if let Some(code) = find(UNRELATED, |c| c.code, query) {
        let mut out = String::new();
        let _ = writeln!(out, "{}: {}", code.code, code.title);
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "This is not a workload identity exchange error: no federated credential, \
             ServiceAccount or Vault setting causes it, and no wiflint rule detects it."
        );
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", code.instead);
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Source: Microsoft's error code reference ({REFERENCE_URL})."
        );
        let _ = writeln!(out, "Note: {NOTE}");
        return Ok(out);
    }
    Err(unknown(query))
}

/// Rule-less causes are rendered with their manual check, so no cause leaves the user without
/// a next step.
pub fn page(code: &Code) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}: {}", code.code, code.title);
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", code.meaning);
    let _ = writeln!(out);
    let _ = writeln!(out, "Usual causes:");
    for cause in code.causes {
        if cause.rules.is_empty() {
            let (what, check) = match cause.text.split_once(CHECK) {
                Some((what, check)) => (format!("{what}."), check),
                None => (cause.text.to_string(), "by hand"),
            };
            let _ = writeln!(out, "- {what}");
            let _ = writeln!(out, "  not detectable offline: check {check}");
        } else {
            let rules: Vec<String> = cause.rules.iter().map(|r| format!("`{r}`")).collect();
            let _ = writeln!(out, "- {}", cause.text);
            let _ = writeln!(out, "  detected by: {}", rules.join(", "));
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "Source: {}", code.source);
    let _ = writeln!(out, "Note: {NOTE}");
    out
}

/// An unknown code is not a user error: Entra has hundreds of codes and wiflint knows only those
/// a federation setup produces, so the answer says so and shows what it does know.
pub fn unknown(query: &str) -> String {
    let width = CODES.iter().map(|c| c.code.len()).max().unwrap_or(0);
    let mut out = String::new();
    let asked = match query_digits(query) {
        Some(d) if digits(query).is_none() => format!("{PREFIX}{d}"),
        _ => query.trim().to_string(),
    };
    let _ = writeln!(
        out,
        "`{asked}` is not in wiflint's table of AADSTS codes. Known codes:"
    );
    for code in CODES {
        let _ = writeln!(out, "  {:<width$}  {}", code.code, code.title);
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "Microsoft's list of codes: {REFERENCE_URL}");
    let _ = writeln!(out, "Note: {NOTE}");
    out
}

fn normalize(query: &str) -> &str {
    let q = query.trim();
    q.strip_suffix(':').unwrap_or(q).trim_end()
}

fn strip_code_prefix(q: &str) -> Option<&str> {
    q.get(..PREFIX.len())
        .filter(|p| p.eq_ignore_ascii_case(PREFIX))
        .and_then(|_| q.get(PREFIX.len()..))
}

fn digits(query: &str) -> Option<&str> {
    let q = normalize(query);
    let d = strip_code_prefix(q).unwrap_or(q);
    (!d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The facts file's note on which codes Microsoft's own table leaves out.
    const NOT_IN_OFFICIAL_TABLE: &str = "Not in Microsoft's error code reference.";

    /// Every code in `domain-facts.md` §2, grouped rows split into one code each, then the codes
    /// issue 13 added (sources in their entries).
    const FACTS_SECTION_2: &[&str] = &[
        "AADSTS70025",
        "AADSTS7002138",
        "AADSTS70023",
        "AADSTS700027",
        "AADSTS50027",
        "AADSTS7000229",
        "AADSTS7000222",
        "AADSTS90002",
        "AADSTS500011",
        "AADSTS53003",
        "AADSTS70021",
        "AADSTS700211",
        "AADSTS700212",
        "AADSTS700213",
        "AADSTS7002131",
        "AADSTS700222",
        "AADSTS700223",
        "AADSTS700238",
        "AADSTS700229",
        "AADSTS700226",
        "AADSTS700227",
        "AADSTS700236",
        "AADSTS700016",
        "AADSTS700024",
        "AADSTS7000215",
        "AADSTS70011",
        "AADSTS90061",
        "AADSTS50005",
    ];

    fn number(code: &Code) -> u64 {
        code.code
            .get(PREFIX.len()..)
            .and_then(|d| d.parse().ok())
            .unwrap_or_else(|| panic!("{} is not AADSTS<digits>", code.code))
    }

    #[test]
    fn lookup_accepts_the_forms_users_paste() {
        for q in [
            "AADSTS70021",
            "aadsts70021",
            "AadSts70021",
            "70021",
            "  AADSTS70021  ",
            "AADSTS70021:",
            "\tAADSTS70021: \n",
            "70021:",
        ] {
            assert_eq!(lookup(q).map(|c| c.code), Some("AADSTS70021"), "{q:?}");
        }
        assert_eq!(lookup("7002131").map(|c| c.code), Some("AADSTS7002131"));
        assert_eq!(lookup("aadsts700211").map(|c| c.code), Some("AADSTS700211"));
    }

    #[test]
    fn lookup_rejects_non_codes_and_near_misses() {
        for q in [
            "",
            "AADSTS",
            "7002",
            "700210",
            "AADSTS 70021",
            "70021x",
            "issuer-trailing-slash",
            "AADSTS-70021",
        ] {
            assert!(lookup(q).is_none(), "{q:?}");
        }
    }

    #[test]
    fn lookup_finds_the_code_in_a_pasted_message() {
        let pasted = "AADSTS70021: No matching federated identity record found for presented \
            assertion. Assertion Issuer: 'https://example'.";
        assert_eq!(lookup(pasted).map(|c| c.code), Some("AADSTS70021"));
        let json = r#"{"error":"invalid_client","error_description":"AADSTS700213: No matching"}"#;
        assert_eq!(lookup(json).map(|c| c.code), Some("AADSTS700213"));
        assert!(looks_like_code(pasted) && looks_like_code(json));
        assert!(lookup("no code here").is_none());
    }

    #[test]
    fn unrelated_codes_say_so() {
        for q in [
            "AADSTS65001",
            "50020",
            "AADSTS65001: The user or administrator",
        ] {
            let text = explain(q).unwrap_or_else(|e| panic!("{q}: {e}"));
            assert!(
                text.contains("not a workload identity exchange error"),
                "{text}"
            );
        }
        for u in UNRELATED {
            assert!(CODES.iter().all(|c| c.code != u.code), "{}", u.code);
        }
    }

    #[test]
    fn pages_speak_to_users() {
        for code in CODES {
            let text = page(code);
            for word in ["UNVERIFIED", "[AWI]", "[ENTRA", "[MI-AS", "[VAULT", "seed"] {
                assert!(!text.contains(word), "{}: {word}", code.code);
            }
        }
    }

    #[test]
    fn looks_like_code_tells_codes_from_rule_ids() {
        for q in [
            "AADSTS70021",
            "aadsts99999",
            "12345",
            " 99999: ",
            "AADSTSfoo",
        ] {
            assert!(looks_like_code(q), "{q:?}");
        }
        for q in [
            "",
            "issuer-trailing-slash",
            "client-id-not-guid",
            "aad",
            ":",
        ] {
            assert!(!looks_like_code(q), "{q:?}");
        }
    }

    #[test]
    fn unknown_says_so_and_lists_every_code() {
        let text = unknown(" AADSTS99999: ");
        assert!(
            text.starts_with("`AADSTS99999:` is not in wiflint's table"),
            "{text}"
        );
        let text = unknown("AADSTS99999: something failed");
        assert!(
            text.starts_with("`AADSTS99999` is not in wiflint's table"),
            "{text}"
        );
        for code in CODES {
            assert!(
                text.lines()
                    .any(|l| l.contains(code.code) && l.contains(code.title)),
                "{} missing",
                code.code
            );
        }
    }

    #[test]
    fn codes_are_sorted_by_number_and_unique() {
        for pair in CODES.windows(2) {
            assert!(
                number(&pair[0]) < number(&pair[1]),
                "{} must come before {}",
                pair[0].code,
                pair[1].code
            );
        }
    }

    #[test]
    fn every_code_from_the_facts_file_is_present() {
        for want in FACTS_SECTION_2 {
            assert!(CODES.iter().any(|c| c.code == *want), "{want} missing");
        }
        assert_eq!(CODES.len(), FACTS_SECTION_2.len());
    }

    #[test]
    fn entries_are_complete() {
        for code in CODES {
            assert!(
                !code.title.is_empty() && !code.title.contains('\n'),
                "{}",
                code.code
            );
            assert!(!code.meaning.is_empty(), "{}", code.code);
            assert!(!code.source.is_empty(), "{}", code.code);
            assert!(!code.causes.is_empty(), "{}", code.code);
            for cause in code.causes {
                let hint = cause.text.contains(CHECK);
                assert_eq!(
                    cause.rules.is_empty(),
                    hint,
                    "{}: a cause needs rules or a manual check, not both: {}",
                    code.code,
                    cause.text
                );
                for (i, rule) in cause.rules.iter().enumerate() {
                    assert!(
                        !rule.is_empty()
                            && rule
                                .bytes()
                                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                        "{}: bad rule id {rule:?}",
                        code.code
                    );
                    assert!(
                        !cause.rules[..i].contains(rule),
                        "{}: {rule} twice",
                        code.code
                    );
                }
            }
        }
    }

    #[test]
    fn unverified_codes_say_so() {
        for want in [
            "AADSTS7002131",
            "AADSTS700226",
            "AADSTS700227",
            "AADSTS700236",
        ] {
            let code = lookup(want).unwrap_or_else(|| panic!("{want} missing"));
            assert!(code.source.contains("unconfirmed"), "{want}");
        }
    }

    #[test]
    fn official_table_note_is_kept() {
        for want in [
            "AADSTS70021",
            "AADSTS700212",
            "AADSTS700213",
            "AADSTS700222",
        ] {
            let code = lookup(want).unwrap_or_else(|| panic!("{want} missing"));
            assert!(code.source.contains(NOT_IN_OFFICIAL_TABLE), "{want}");
        }
    }

    #[test]
    fn page_shows_rules_and_manual_checks() {
        let code = lookup("AADSTS70021").unwrap_or_else(|| panic!("70021 missing"));
        let text = page(code);
        assert!(
            text.starts_with("AADSTS70021: No matching federated identity record"),
            "{text}"
        );
        assert!(
            text.contains("detected by: `issuer-trailing-slash`, `issuer-cluster-mismatch`"),
            "{text}"
        );
        assert!(
            text.contains("not detectable offline: check when the credential was created"),
            "{text}"
        );
        assert!(text.contains("\nSource: "), "{text}");
        assert!(text.contains("\nNote: "), "{text}");
        assert!(!text.contains(CHECK), "{text}");
    }
}
