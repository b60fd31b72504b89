#!/usr/bin/env python3
"""Writes a tree of Terraform modules shaped like a platform repository: each module directory
has variables, locals, an AKS cluster, identities, federated credentials over `for_each`,
Kubernetes ServiceAccounts and Deployments, and a terraform.tfvars (not counted as a `.tf`
file). Five `.tf` files per module; about one module in ten has a credential subject in the wrong
namespace, so the scan has joins and findings to compute, as a real one does.

usage: terraform_corpus.py OUT_DIR [TF_FILES]   (default 2000)
"""
import os
import sys

VARIABLES = """variable "environment" {
  type    = string
  default = "dev"
}

variable "namespace" {
  type    = string
  default = "team-%(i)d"
}

variable "apps" {
  type    = list(string)
  default = ["api", "worker", "billing", "reports"]
}
"""

LOCALS = """locals {
  prefix   = "m%(i)d-${var.environment}"
  audience = ["api://AzureADTokenExchange"]
  labels = {
    team = "team-%(i)d"
  }
}
"""

AKS = """resource "azurerm_resource_group" "this" {
  name     = "rg-${local.prefix}"
  location = "westeurope"
}

resource "azurerm_kubernetes_cluster" "aks" {
  name                      = "aks-${local.prefix}"
  location                  = azurerm_resource_group.this.location
  resource_group_name       = azurerm_resource_group.this.name
  dns_prefix                = local.prefix
  oidc_issuer_enabled       = true
  workload_identity_enabled = true

  default_node_pool {
    name       = "system"
    node_count = 2
    vm_size    = "Standard_D4ds_v5"
  }
}
"""

IDENTITY = """resource "azurerm_user_assigned_identity" "apps" {
  name                = "id-${local.prefix}-apps"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
}

resource "azurerm_federated_identity_credential" "apps" {
  for_each                  = toset(var.apps)
  name                      = "fic-${each.key}"
  user_assigned_identity_id = azurerm_user_assigned_identity.apps.id
  issuer                    = azurerm_kubernetes_cluster.aks.oidc_issuer_url
  subject                   = "system:serviceaccount:%(ns)s:${each.key}"
  audience                  = local.audience
}
"""

K8S = """resource "kubernetes_service_account_v1" "%(app)s" {
  metadata {
    name      = "%(app)s"
    namespace = var.namespace
    annotations = {
      "azure.workload.identity/client-id" = azurerm_user_assigned_identity.apps.client_id
    }
  }
}

resource "kubernetes_deployment_v1" "%(app)s" {
  metadata {
    name      = "%(app)s"
    namespace = var.namespace
    labels    = local.labels
  }
  spec {
    template {
      metadata {
        labels = {
          app                           = "%(app)s"
          "azure.workload.identity/use" = "true"
        }
      }
      spec {
        service_account_name = kubernetes_service_account_v1.%(app)s.metadata[0].name
        container {
          name  = "%(app)s"
          image = "registry.example.com/%(app)s:1.0.0"
          env {
            name  = "LOG_LEVEL"
            value = "info"
          }
        }
      }
    }
  }
}
"""


def main():
    out = sys.argv[1]
    files = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    for i in range(files // 5):
        d = os.path.join(out, "envs" if i % 2 else "platform", "m%04d" % i)
        os.makedirs(d, exist_ok=True)
        wrong = i % 10 == 3
        ns = "team-%d" % (i + 1) if wrong else "${var.namespace}"
        parts = {
            "variables.tf": VARIABLES % {"i": i},
            "locals.tf": LOCALS % {"i": i},
            "aks.tf": AKS,
            "identity.tf": IDENTITY % {"ns": ns},
            "kubernetes.tf": "\n".join(K8S % {"app": a} for a in ["api", "worker", "billing", "reports"]),
        }
        for name, text in parts.items():
            with open(os.path.join(d, name), "w") as f:
                f.write(text)
        with open(os.path.join(d, "terraform.tfvars"), "w") as f:
            f.write('environment = "prod"\n')


if __name__ == "__main__":
    main()
