resource "azurerm_federated_identity_credential" "api" {
  name    = "fic-api"
  subject = "system:serviceaccount:orders:api"

resource "azurerm_user_assigned_identity" "api" {
  name = "id-api"
}
