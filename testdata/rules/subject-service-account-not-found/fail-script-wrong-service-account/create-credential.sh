#!/usr/bin/env bash
# Trusts the orders API's ServiceAccount from the production cluster.
set -euo pipefail

RESOURCE_GROUP=rg-orders
IDENTITY_NAME="id-orders-api"
SERVICE_ACCOUNT_NAMESPACE=orders
SERVICE_ACCOUNT_NAME=orders-app
ISSUER="$(az aks show -g "$RESOURCE_GROUP" -n aks-orders --query oidcIssuerProfile.issuerUrl -o tsv)"

az identity federated-credential create \
  --name orders-api \
  --identity-name "$IDENTITY_NAME" \
  --resource-group "$RESOURCE_GROUP" \
  --issuer "$ISSUER" \
  --subject "system:serviceaccount:${SERVICE_ACCOUNT_NAMESPACE}:${SERVICE_ACCOUNT_NAME}" \
  --audiences api://AzureADTokenExchange
