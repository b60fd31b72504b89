variable "client_id" {
  description = "Client id of the orders identity"
  type        = string
  default     = "4f1c2a9e-7b3d-4e6f-9a21-5c8d0e7f3b42"
}

resource "helm_release" "orders" {
  name       = "orders"
  namespace  = "shop"
  repository = "oci://shop.azurecr.io/helm"
  chart      = "orders"

  set = [
    {
      name  = "serviceAccount.name"
      value = "orders"
    },
    {
      name  = "serviceAccount.annotations.azure\\.workload\\.identity/client-id"
      value = var.client_id
    },
    {
      name  = "podLabels.azure\\.workload\\.identity/use"
      value = "true"
      type  = "string"
    },
  ]
}
