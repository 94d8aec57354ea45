output "macro_name" {
  description = "Use it as 'Transform: [PeregrineInstrument]' in templates"
  value       = var.macro_name
}

output "function_arn" {
  value = aws_lambda_function.macro.arn
}

output "agent_image" {
  value = local.agent_image
}
