# The secret comes from a pipeline variable: nothing literal is written here.
variable "legacy_client_secret" {
  default   = "${CLIENT_SECRET}"
  sensitive = true
}

resource "azurerm_user_assigned_identity" "orders" {
  name                = "id-orders"
  location            = "westeurope"
  resource_group_name = "rg-orders"
}
