#!/bin/sh
az identity federated-credential create --name github-prod --identity-name id-deploy --resource-group rg-deploy \
  --issuer https://token.actions.githubusercontent.com \
  --subject repo:contoso/orders:environment:prod
