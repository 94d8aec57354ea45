output "orchestrator_host" {
  description = "Give it to the instrumentation as orchestrator_host"
  value       = aws_lb.orchestrator.dns_name
}

output "security_group_id" {
  value = aws_security_group.orchestrator.id
}

output "log_group_name" {
  value = aws_cloudwatch_log_group.orchestrator.name
}
