variable "name" {
  type = string
}

variable "namespace" {
  type    = string
  default = "default"
}

variable "issuer" {
  type = string
}

resource "azurerm_user_assigned_identity" "this" {
  name                = "id-${var.name}"
  location            = "westeurope"
  resource_group_name = "rg-apps"
}

resource "azurerm_federated_identity_credential" "this" {
  name      = "fic-${var.name}"
  parent_id = azurerm_user_assigned_identity.this.id
  issuer    = var.issuer
  subject   = "system:serviceaccount:${var.namespace}:${var.name}"
  audience  = ["api://AzureADTokenExchange"]
}

output "client_id" {
  value = azurerm_user_assigned_identity.this.client_id
}
