variable "name" {
  description = "Prefix of every resource name"
  type        = string
  default     = "peregrine"
}

variable "image_registry" {
  description = "Registry and repository prefix the images were pushed to with 'peregrine images build --push REGISTRY'"
  type        = string
}

variable "image_tag" {
  description = "Tag of the peregrine-orchestrator image"
  type        = string
  default     = "0.1.0-SNAPSHOT"
}

variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  description = "Two or more private subnets in different Availability Zones, for the tasks and the load balancer"
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "Give at least two subnets, in different Availability Zones."
  }
}

variable "agent_cidr" {
  description = "Addresses the agents connect from; also covers the load balancer's health checks"
  type        = string
  default     = "10.0.0.0/8"
}

variable "backend_url" {
  description = "Base URL of the Peregrine backend"
  type        = string
}

variable "access_key_secret_arn" {
  description = "Secrets Manager secret holding the backend access key (pgk_...)"
  type        = string
}

variable "desired_count" {
  type    = number
  default = 2

  validation {
    condition     = var.desired_count >= 2
    error_message = "Run at least two orchestrator tasks."
  }
}

variable "cpu" {
  type    = number
  default = 512
}

variable "memory" {
  type    = number
  default = 1024
}

variable "log_retention_days" {
  type    = number
  default = 30
}

variable "cluster_arn" {
  description = "Existing ECS cluster; null creates one"
  type        = string
  default     = null
}
