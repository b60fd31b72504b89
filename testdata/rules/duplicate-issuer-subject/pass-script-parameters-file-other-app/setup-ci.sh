#!/usr/bin/env bash
# Registers the CI app's GitHub credentials; the second is the release app's, with its own credentials.
set -euo pipefail

APP_ID="3c5e7a9b-1d2f-4e6a-8b0c-2d4f6a8c0e1b"
RELEASE_APP_ID="7e9a1c3d-5f2b-4a6c-9d8e-0f1a2b3c4d5e"

az ad app federated-credential create --id "$APP_ID" --parameters @github-main.json

az ad app federated-credential create --id "$RELEASE_APP_ID" \
  --parameters '{"name": "github-main", "issuer": "https://token.actions.githubusercontent.com", "subject": "repo:contoso/billing:ref:refs/heads/main", "audiences": ["api://AzureADTokenExchange"]}'
