locals {
  # One credential per tenant namespace: 21 of them on one identity.
  tenants = toset([
    "t01", "t02", "t03", "t04", "t05", "t06", "t07",
    "t08", "t09", "t10", "t11", "t12", "t13", "t14",
    "t15", "t16", "t17", "t18", "t19", "t20", "t21",
  ])
}

resource "azurerm_user_assigned_identity" "tenants" {
  name                = "id-tenants"
  location            = "westeurope"
  resource_group_name = "rg-tenants"
}

resource "azurerm_federated_identity_credential" "tenant" {
  for_each                  = local.tenants
  name                      = "fic-${each.key}"
  user_assigned_identity_id = azurerm_user_assigned_identity.tenants.id
  issuer                    = azurerm_kubernetes_cluster.aks.oidc_issuer_url
  subject                   = "system:serviceaccount:${each.key}:app"
  audience                  = ["api://AzureADTokenExchange"]
}
