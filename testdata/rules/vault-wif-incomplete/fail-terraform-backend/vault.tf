resource "vault_azure_secret_backend" "azure" {
  path                    = "azure-prod"
  tenant_id               = "9b2f6c1e-3d4a-4f5b-8e7c-1a2b3c4d5e6f"
  identity_token_audience = "api://AzureADTokenExchange"
  identity_token_ttl      = 1800
}
