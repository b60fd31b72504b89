resource "vault_azure_secret_backend" "azure" {
  path                    = "azure-prod"
  subscription_id         = "2c4e6a8b-1d3f-4a5b-9c7d-0e1f2a3b4c5d"
  tenant_id               = "9b2f6c1e-3d4a-4f5b-8e7c-1a2b3c4d5e6f"
  client_id               = "7e8f9a0b-1c2d-4e3f-8a9b-0c1d2e3f4a5b"
  identity_token_audience = "api://AzureADTokenExchange"
  identity_token_ttl      = 1800
}
