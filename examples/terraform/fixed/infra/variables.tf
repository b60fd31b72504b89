variable "location" {
  type    = string
  default = "westeurope"
}

variable "environment" {
  type    = string
  default = "dev"
}

variable "namespace" {
  description = "Namespace the shop's workloads run in."
  type        = string
  default     = "shop"
}

variable "workers" {
  description = "Worker ServiceAccounts that get a federated credential each."
  type        = list(string)
  default     = ["billing", "shipping"]
}
