resource "kubernetes_manifest" "config" {
  manifest = yamldecode(<<-YAML
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: braces
    data:
      template: "{ not: closed"
  YAML
  )
}
