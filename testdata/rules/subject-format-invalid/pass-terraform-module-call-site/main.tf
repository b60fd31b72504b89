# One module, called once per team, each with a namespace Kubernetes allows.
module "orders" {
  source          = "./modules/workload-identity"
  namespace       = "orders"
  service_account = "orders-api"
}

module "billing" {
  source          = "./modules/workload-identity"
  namespace       = "billing"
  service_account = "billing-worker"
}
