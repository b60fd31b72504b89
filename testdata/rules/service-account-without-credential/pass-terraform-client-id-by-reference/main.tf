resource "azurerm_user_assigned_identity" "api" {
  name                = "id-api"
  location            = "westeurope"
  resource_group_name = "rg-shop"
}

resource "azurerm_user_assigned_identity" "worker" {
  name                = "id-worker"
  location            = "westeurope"
  resource_group_name = "rg-shop"
}

resource "azurerm_federated_identity_credential" "api" {
  name                      = "fic-api"
  user_assigned_identity_id = azurerm_user_assigned_identity.api.id
  issuer                    = azurerm_kubernetes_cluster.aks.oidc_issuer_url
  subject                   = "system:serviceaccount:shop:api"
  audience                  = ["api://AzureADTokenExchange"]
}

resource "kubernetes_service_account_v1" "api" {
  metadata {
    name      = "api"
    namespace = "shop"
    annotations = {
      "azure.workload.identity/client-id" = azurerm_user_assigned_identity.api.client_id
    }
  }
}

resource "kubernetes_deployment_v1" "api" {
  metadata {
    name      = "api"
    namespace = "shop"
  }
  spec {
    template {
      metadata {
        labels = { "azure.workload.identity/use" = "true" }
      }
      spec {
        service_account_name = kubernetes_service_account_v1.api.metadata[0].name
        container {
          name  = "api"
          image = "shop.azurecr.io/api:1.0.0"
        }
      }
    }
  }
}
