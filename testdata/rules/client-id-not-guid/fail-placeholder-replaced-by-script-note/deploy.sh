#!/bin/sh
set -eu
CLIENT_ID=$(az identity show -g rg-orders -n id-orders --query clientId -o tsv)
sed -i "s/<your-client-id>/${CLIENT_ID}/" serviceaccount.yaml
kubectl apply -f serviceaccount.yaml
