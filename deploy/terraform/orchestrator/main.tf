# Peregrine orchestrator: an ECS Fargate service of two or more tasks in subnets of different
# Availability Zones behind an internal Network Load Balancer on TCP 6667, the backend access key
# read from Secrets Manager.

data "aws_region" "current" {}

data "aws_subnet" "selected" {
  for_each = toset(var.subnet_ids)
  id       = each.value
}

locals {
  zones = distinct([for s in data.aws_subnet.selected : s.availability_zone])
  image = "${var.image_registry}/peregrine-orchestrator:${var.image_tag}"
}

resource "aws_ecs_cluster" "this" {
  count = var.cluster_arn == null ? 1 : 0
  name  = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_cloudwatch_log_group" "orchestrator" {
  name              = "/ecs/${var.name}/orchestrator"
  retention_in_days = var.log_retention_days
}

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "execution" {
  name_prefix        = "${var.name}-orch-exec-"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_iam_role_policy" "read_access_key" {
  name = "read-access-key"
  role = aws_iam_role.execution.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "secretsmanager:GetSecretValue"
      Resource = var.access_key_secret_arn
    }]
  })
}

resource "aws_iam_role" "task" {
  name_prefix        = "${var.name}-orch-task-"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_ecs_task_definition" "orchestrator" {
  family                   = "${var.name}-orchestrator"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  container_definitions = jsonencode([{
    name      = "orchestrator"
    image     = local.image
    essential = true
    # The image's entrypoint is 'peregrine orchestrator'; options follow as the command.
    command = ["--port", "6667", "--metrics-port", "9090"]
    portMappings = [
      { containerPort = 6667, protocol = "tcp" },
      { containerPort = 9090, protocol = "tcp" },
    ]
    environment = [{ name = "PEREGRINE_BACKEND_URL", value = var.backend_url }]
    secrets     = [{ name = "PEREGRINE_ACCESS_KEY", valueFrom = var.access_key_secret_arn }]
    stopTimeout = 30
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.orchestrator.name
        awslogs-region        = data.aws_region.current.name
        awslogs-stream-prefix = "orchestrator"
      }
    }
  }])
}

resource "aws_security_group" "orchestrator" {
  name_prefix = "${var.name}-orchestrator-"
  description = "Peregrine orchestrator - agents on 6667, health checks on 9090"
  vpc_id      = var.vpc_id

  ingress {
    description = "agents (through the load balancer, client addresses preserved)"
    protocol    = "tcp"
    from_port   = 6667
    to_port     = 6667
    cidr_blocks = [var.agent_cidr]
  }

  ingress {
    description = "load balancer health checks (/readyz)"
    protocol    = "tcp"
    from_port   = 9090
    to_port     = 9090
    cidr_blocks = [var.agent_cidr]
  }

  egress {
    description = "backend over HTTPS, ECR, Secrets Manager, CloudWatch Logs"
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    description = "backend over HTTP inside the VPC"
    protocol    = "tcp"
    from_port   = 8080
    to_port     = 8080
    cidr_blocks = [var.agent_cidr]
  }
}

resource "aws_lb" "orchestrator" {
  name_prefix                      = "pgo-"
  load_balancer_type               = "network"
  internal                         = true
  subnets                          = var.subnet_ids
  enable_cross_zone_load_balancing = true
}

resource "aws_lb_target_group" "orchestrator" {
  name_prefix          = "pgo-"
  vpc_id               = var.vpc_id
  target_type          = "ip"
  protocol             = "TCP"
  port                 = 6667
  deregistration_delay = 30

  health_check {
    protocol            = "HTTP"
    port                = "9090"
    path                = "/readyz"
    interval            = 10
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }
}

resource "aws_lb_listener" "orchestrator" {
  load_balancer_arn = aws_lb.orchestrator.arn
  protocol          = "TCP"
  port              = 6667

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.orchestrator.arn
  }
}

resource "aws_ecs_service" "orchestrator" {
  name                               = "${var.name}-orchestrator"
  cluster                            = var.cluster_arn == null ? aws_ecs_cluster.this[0].arn : var.cluster_arn
  launch_type                        = "FARGATE"
  task_definition                    = aws_ecs_task_definition.orchestrator.arn
  desired_count                      = var.desired_count
  deployment_minimum_healthy_percent = 50
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = 60

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [aws_security_group.orchestrator.id]
    assign_public_ip = false
  }

  load_balancer {
    container_name   = "orchestrator"
    container_port   = 6667
    target_group_arn = aws_lb_target_group.orchestrator.arn
  }

  depends_on = [aws_lb_listener.orchestrator]

  lifecycle {
    precondition {
      condition     = length(local.zones) >= 2
      error_message = "The subnets must span at least two Availability Zones."
    }
  }
}
