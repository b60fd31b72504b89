resource "azurerm_federated_identity_credential" "api" {
  count     = 2
  name      = "fic-api-${count.index}"
  parent_id = azurerm_user_assigned_identity.api.id
  issuer    = "https://westeurope.oic.prod-aks.azure.com/9b2f1c3e-4d5a-4e6b-8c7d-0e1f2a3b4c5d/5e7a9c1b-3d5f-4a7c-9e1b-3d5f7a9c1e3b/"
  subject   = "system:serviceaccount:orders:api-${count.index}"
  audience  = ["api://AzureADTokenExchange"]
}
