"""AWS access key ids (``AKIA`` long-term, ``ASIA`` temporary).  The id alone cannot sign a request, but
its secret is never far away; the documentation's ``...EXAMPLE`` ids are not keys.  Sources: gitleaks and
betterleaks ``aws.go``, trufflehog ``aws/access_keys/accesskey.go``."""

from hf_secret_guard.providers.spec import Provider, TokenFormat


def _not_an_example(key: str) -> bool:
    return not key.endswith("EXAMPLE")


PROVIDER = Provider(
    name="aws",
    display="AWS",
    formats=(
        TokenFormat("AKIA", "A-Z2-7", 16, "AWS access key id", check=_not_an_example),
        TokenFormat("ASIA", "A-Z2-7", 16, "AWS temporary access key id", check=_not_an_example),
    ),
    secret_name="AWS_ACCESS_KEY_ID",
    env_names=("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"),
    revoke_url="https://console.aws.amazon.com/iam/home#/security_credentials",
    found=('import boto3\ns3 = boto3.client("s3", aws_access_key_id="{KEY}")',),
    not_found=('aws_access_key_id = "AKIAIOSFODNN7EXAMPLE"',),
)
