variable "namespace" {
  type    = string
  default = "payments"
}
