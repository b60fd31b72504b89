variable "location" {
  default = "westeurope"
}

resource "azurerm_user_assigned_identity" "orders" {
  name                = "id-orders"
  resource_group_name = "rg-orders"
  location            = var.location
}

resource "azurerm_federated_identity_credential" "api" {
  name                      = "fic-orders-api"
  user_assigned_identity_id = azurerm_user_assigned_identity.orders.id
  issuer                    = "https://westeurope.oic.prod-aks.azure.com/8f2c1d3e-5a6b-4c7d-9e0f-1a2b3c4d5e6f/0c4e9a7b-2d1f-4e58-8b3a-6f5d7c9e1a20/"
  subject                   = "system:serviceaccount:orders:orders-api"
  audience                  = ["api://AzureADTokenExchange"]
}
