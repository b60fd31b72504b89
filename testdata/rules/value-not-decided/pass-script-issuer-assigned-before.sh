#!/usr/bin/env bash
set -eu
AKS_OIDC_ISSUER="https://westeurope.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000001/11111111-1111-1111-1111-111111111111/"
az identity federated-credential create --name orders-api --identity-name id-orders --resource-group rg-orders \
  --issuer "$AKS_OIDC_ISSUER" \
  --subject system:serviceaccount:orders:orders-api
