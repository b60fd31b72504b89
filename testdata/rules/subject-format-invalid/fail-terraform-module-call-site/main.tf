# One module, called once per team: the second call gives a namespace Kubernetes refuses, so
# only that instance's credential is wrong, and the finding names it and shows its argument.
module "orders" {
  source          = "./modules/workload-identity"
  namespace       = "orders"
  service_account = "orders-api"
}

module "billing" {
  source          = "./modules/workload-identity"
  namespace       = "Billing"
  service_account = "billing-worker"
}
