locals {
  prefix   = "shop-${var.environment}"
  audience = ["api://AzureADTokenExchange"]
}
