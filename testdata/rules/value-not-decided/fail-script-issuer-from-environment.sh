#!/usr/bin/env bash
set -eu
az identity federated-credential create --name orders-api --identity-name id-orders --resource-group rg-orders \
  --issuer "$AKS_OIDC_ISSUER" \
  --subject system:serviceaccount:orders:orders-api
