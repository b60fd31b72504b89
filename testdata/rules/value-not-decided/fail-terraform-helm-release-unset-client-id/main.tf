variable "client_id" {
  description = "Client id of the orders identity, given by the pipeline"
  type        = string
}

resource "helm_release" "orders" {
  name       = "orders"
  namespace  = "shop"
  repository = "oci://shop.azurecr.io/helm"
  chart      = "orders"

  values = [yamlencode({
    serviceAccount = {
      name = "orders"
      annotations = {
        "azure.workload.identity/client-id" = var.client_id
      }
    }
    podLabels = {
      "azure.workload.identity/use" = "true"
    }
  })]
}
