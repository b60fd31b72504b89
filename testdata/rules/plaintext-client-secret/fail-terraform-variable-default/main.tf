# A secret in a variable default is in none of the resources the front-end lowers: the line
# scan still reports it.
variable "legacy_client_secret" {
  default = "Qx48Q~abcdEFGHijklMNOPqrstUVWXyz01234567"
}

resource "azurerm_user_assigned_identity" "orders" {
  name                = "id-orders"
  location            = "westeurope"
  resource_group_name = "rg-orders"
}
