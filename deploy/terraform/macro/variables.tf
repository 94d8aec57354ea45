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
  description = "Tag of the images: peregrine-macro runs the function (in ECR of this account and region), peregrine-agent is the sidecars' image"
  type        = string
  default     = "0.1.0-SNAPSHOT"
}

variable "macro_name" {
  type    = string
  default = "PeregrineInstrument"
}

variable "orchestrator_host" {
  description = "PEREGRINE_ORCHESTRATOR of the agents (the orchestrator module's orchestrator_host); empty for standalone agents"
  type        = string
  default     = ""
}

variable "priority" {
  type    = string
  default = "availability"

  validation {
    condition     = contains(["availability", "security"], var.priority)
    error_message = "priority is availability or security."
  }
}

variable "agent_log_group" {
  type    = string
  default = "/ecs/peregrine-agent"
}

variable "log_retention_days" {
  type    = number
  default = 30
}
