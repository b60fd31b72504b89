resource "vault_azure_secret_backend" "azure" {
  path                    = "azure-prod"
  subscription_id         = "2c4e6a8b-1d3f-4a5b-9c7d-0e1f2a3b4c5d"
  tenant_id               = "9b2f6c1e-3d4a-4f5b-8e7c-1a2b3c4d5e6f"
  client_id               = azuread_application.vault.client_id
  identity_token_audience = "api://AzureADTokenExchange"
}

resource "azuread_application" "vault" {
  display_name = "vault-azure-secrets"
}

resource "azuread_application_federated_identity_credential" "vault" {
  application_id = azuread_application.vault.id
  display_name   = "vault-azure-secrets"
  issuer         = "https://vault.example.com:8200/v1/identity/oidc/plugins"
  subject        = "plugin-identity:root:secret:azure-prod"
  audiences      = ["api://AzureADTokenExchange"]
}
