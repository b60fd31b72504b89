#!/usr/bin/env bash
# The staging identity has the same name in its own resource group: another identity.
set -euo pipefail

RESOURCE_GROUP="rg-orders-staging"
ISSUER="https://westeurope.oic.prod-aks.azure.com/8f2c1d3e-5a6b-4c7d-9e0f-1a2b3c4d5e6f/0c4e9a7b-2d1f-4e58-8b3a-6f5d7c9e1a20/"

az identity federated-credential create \
  --name fic-orders-api-staging \
  --identity-name id-orders \
  --resource-group "$RESOURCE_GROUP" \
  --issuer "$ISSUER" \
  --subject system:serviceaccount:orders:orders-api
