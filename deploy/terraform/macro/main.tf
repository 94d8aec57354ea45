# Peregrine instrumentation macro: a Lambda function running the CLI's handler, registered as a
# CloudFormation macro. Terraform users who do not deploy with CloudFormation use the external
# data source instead ('peregrine instrument terraform', see instrument/README.md).

locals {
  agent_image    = "${var.image_registry}/peregrine-agent:${var.image_tag}"
  function_image = "${var.image_registry}/peregrine-macro:${var.image_tag}"
}

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "function" {
  name_prefix        = "${var.name}-macro-"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

resource "aws_iam_role_policy_attachment" "function_logs" {
  role       = aws_iam_role.function.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}

resource "aws_cloudwatch_log_group" "function" {
  name              = "/aws/lambda/${var.name}-macro"
  retention_in_days = var.log_retention_days
}

resource "aws_cloudwatch_log_group" "agents" {
  name              = var.agent_log_group
  retention_in_days = var.log_retention_days
}

resource "aws_lambda_function" "macro" {
  function_name = "${var.name}-macro"
  description   = "Peregrine task-definition instrumentation (CloudFormation macro)"
  package_type  = "Image"
  image_uri     = local.function_image
  role          = aws_iam_role.function.arn
  memory_size   = 1024
  timeout       = 60

  image_config {
    command = ["dev.peregrine.instrument.macro.LambdaHandler::handleRequest"]
  }

  environment {
    variables = {
      PEREGRINE_MACRO_AGENT_IMAGE       = local.agent_image
      PEREGRINE_MACRO_ORCHESTRATOR_HOST = var.orchestrator_host
      PEREGRINE_MACRO_PRIORITY          = var.priority
      PEREGRINE_MACRO_LOG_GROUP         = aws_cloudwatch_log_group.agents.name
    }
  }

  depends_on = [aws_cloudwatch_log_group.function, aws_iam_role_policy_attachment.function_logs]
}

# Terraform's AWS provider has no resource for macros: a one-resource stack registers it.
resource "aws_cloudformation_stack" "macro" {
  name = "${var.name}-macro"
  template_body = jsonencode({
    AWSTemplateFormatVersion = "2010-09-09"
    Resources = {
      Macro = {
        Type = "AWS::CloudFormation::Macro"
        Properties = {
          Name         = var.macro_name
          Description  = "Instruments ECS Fargate task definitions with the Peregrine agent"
          FunctionName = aws_lambda_function.macro.arn
        }
      }
    }
  })
}
