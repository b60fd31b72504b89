resource "azurerm_user_assigned_identity" "api" {
  name                = "id-${local.prefix}-api"
  location            = azurerm_resource_group.shop.location
  resource_group_name = azurerm_resource_group.shop.name
}

resource "azurerm_user_assigned_identity" "workers" {
  name                = "id-${local.prefix}-workers"
  location            = azurerm_resource_group.shop.location
  resource_group_name = azurerm_resource_group.shop.name
}

# azurerm 3.x: the identity is `parent_id`.
resource "azurerm_federated_identity_credential" "api" {
  name                = "fic-api"
  resource_group_name = azurerm_resource_group.shop.name
  parent_id           = azurerm_user_assigned_identity.api.id
  issuer              = azurerm_kubernetes_cluster.aks.oidc_issuer_url
  subject             = "system:serviceaccount:${var.namespace}:api"
  audience            = local.audience
}

# azurerm 4.x: the identity is `user_assigned_identity_id`; one credential per worker.
resource "azurerm_federated_identity_credential" "workers" {
  for_each                  = toset(var.workers)
  name                      = "fic-${each.key}"
  user_assigned_identity_id = azurerm_user_assigned_identity.workers.id
  issuer                    = azurerm_kubernetes_cluster.aks.oidc_issuer_url
  subject                   = "system:serviceaccount:${var.namespace}:${each.key}"
  audience                  = local.audience
}
