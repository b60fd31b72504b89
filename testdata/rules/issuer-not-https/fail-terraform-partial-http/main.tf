# The issuer's host is an input; whatever it is, Entra fetches discovery over HTTPS only.
variable "vault_host" {
  type = string
}

resource "azuread_application" "vault" {
  display_name = "vault-azure-secrets"
}

resource "azuread_application_federated_identity_credential" "vault" {
  application_id = azuread_application.vault.id
  display_name   = "vault-plugin-wif"
  issuer         = "http://${var.vault_host}:8200/v1/identity/oidc/plugins"
  subject        = "plugin-identity:root:secret:azure_6e2e3b7a"
  audiences      = ["api://AzureADTokenExchange"]
}
