#!/usr/bin/env bash
# Lets the deploy workflow of contoso/shop log in as the payments identity.
set -euo pipefail

RESOURCE_GROUP=rg-shop-prod
ENVIRONMENT=production

az identity federated-credential create \
  --name github-deploy \
  --identity-name id-payments \
  --resource-group "$RESOURCE_GROUP" \
  --issuer https://token.actions.githubusercontent.com \
  --subject "repo:contoso/shop:environment:${ENVIRONMENT}"
