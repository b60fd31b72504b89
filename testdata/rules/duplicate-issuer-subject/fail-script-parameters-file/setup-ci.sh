#!/usr/bin/env bash
# Registers the CI app's GitHub credentials; the second repeats the first's subject.
set -euo pipefail

APP_ID="3c5e7a9b-1d2f-4e6a-8b0c-2d4f6a8c0e1b"

az ad app federated-credential create --id "$APP_ID" --parameters @github-main.json

az ad app federated-credential create --id "$APP_ID" \
  --parameters '{"name": "github-main-again", "issuer": "https://token.actions.githubusercontent.com", "subject": "repo:contoso/billing:ref:refs/heads/main", "audiences": ["api://AzureADTokenExchange"]}'
