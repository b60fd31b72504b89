resource "helm_release" "payments" {
  name       = "payments"
  namespace  = "shop"
  repository = "https://charts.example.com/shop"
  chart      = "payments"

  set = [
    {
      name  = "serviceAccount.name"
      value = "payments"
    },
    {
      name  = "podLabels.azure\\.workload\\.identity/use"
      value = "true"
      type  = "string"
    },
  ]
}
