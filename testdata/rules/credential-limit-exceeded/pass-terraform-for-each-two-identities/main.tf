locals {
  # 21 tenants, each on the identity of its half: 11 and 10 credentials.
  tenants = {
    t01 = "a", t02 = "a", t03 = "a", t04 = "a", t05 = "a", t06 = "a", t07 = "a",
    t08 = "a", t09 = "a", t10 = "a", t11 = "a", t12 = "b", t13 = "b", t14 = "b",
    t15 = "b", t16 = "b", t17 = "b", t18 = "b", t19 = "b", t20 = "b", t21 = "b",
  }
}

resource "azurerm_user_assigned_identity" "half" {
  for_each            = toset(["a", "b"])
  name                = "id-tenants-${each.key}"
  location            = "westeurope"
  resource_group_name = "rg-tenants"
}

resource "azurerm_federated_identity_credential" "tenant" {
  for_each                  = local.tenants
  name                      = "fic-${each.key}"
  user_assigned_identity_id = azurerm_user_assigned_identity.half[each.value].id
  issuer                    = azurerm_kubernetes_cluster.aks.oidc_issuer_url
  subject                   = "system:serviceaccount:${each.key}:app"
  audience                  = ["api://AzureADTokenExchange"]
}
