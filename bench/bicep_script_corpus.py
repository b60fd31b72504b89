#!/usr/bin/env python3
"""Writes a tree of Bicep files and shell scripts shaped like platform repositories: each
directory has a `main.bicep` (an AKS cluster, an identity, credentials over a `for` loop, an AVM
identity module), a `main.bicepparam` giving its namespace, and a `credentials.sh` that adds
credentials with `az identity federated-credential create` and `azwi`. About one directory in ten
has a credential subject in the wrong namespace, so the scan has joins and findings to compute.

usage: bicep_script_corpus.py OUT_DIR [FILES_OF_EACH_KIND]   (default 1000)
"""
import os
import sys

BICEP = """param location string = 'westeurope'
param namespace string = 'default'
var apps = [
  'api'
  'worker'
  'billing'
  'reports'
]

resource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
  name: 'aks-%(i)d'
  location: location
  properties: {
    oidcIssuerProfile: { enabled: true }
    securityProfile: { workloadIdentity: { enabled: true } }
  }
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-%(i)d'
  location: location
}

resource credentials 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = [for app in apps: {
  parent: identity
  name: 'fic-${app}'
  properties: {
    issuer: aks.properties.oidcIssuerProfile.issuerURL
    subject: 'system:serviceaccount:%(ns)s:${app}'
    audiences: [ 'api://AzureADTokenExchange' ]
  }
}]

module shared 'br/public:avm/res/managed-identity/user-assigned-identity:0.4.0' = {
  name: 'shared-%(i)d'
  params: {
    name: 'id-shared-%(i)d'
    location: location
    federatedIdentityCredentials: [
      {
        name: 'shared'
        issuer: aks.properties.oidcIssuerProfile.issuerURL
        subject: 'system:serviceaccount:${namespace}:shared'
        audiences: [ 'api://AzureADTokenExchange' ]
      }
    ]
  }
}
"""

PARAMS = """using './main.bicep'

param namespace = 'team-%(i)d'
"""

SCRIPT = """#!/usr/bin/env bash
set -euo pipefail
RG=rg-team-%(i)d
NS=team-%(i)d
ISSUER="https://westeurope.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000001/%(i)08d-1111-1111-1111-111111111111/"

for app in api worker; do
  echo "creating $app"
done

az identity federated-credential create --name ci-%(i)d \\
  --identity-name id-ci-%(i)d --resource-group "$RG" \\
  --issuer "$ISSUER" --subject "system:serviceaccount:${NS}:ci" \\
  --audiences api://AzureADTokenExchange

azwi serviceaccount create phase federated-identity \\
  --aad-application-name app-%(i)d \\
  --service-account-namespace "$NS" \\
  --service-account-name jobs \\
  --service-account-issuer-url "$ISSUER"
"""

SERVICE_ACCOUNTS = "".join(
    """---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: %s
  namespace: team-%%(i)d
""" % name
    for name in ["api", "worker", "billing", "reports", "shared", "ci", "jobs"]
)


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    for i in range(count):
        d = os.path.join(out, "team-%04d" % i)
        os.makedirs(d, exist_ok=True)
        ns = "team-%d" % i if i % 10 else "team-%d-old" % i
        values = {"i": i, "ns": ns}
        for name, text in [
            ("main.bicep", BICEP),
            ("main.bicepparam", PARAMS),
            ("credentials.sh", SCRIPT),
            ("serviceaccounts.yaml", SERVICE_ACCOUNTS),
        ]:
            with open(os.path.join(d, name), "w") as f:
                f.write(text % values)


if __name__ == "__main__":
    main()
