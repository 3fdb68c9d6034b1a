package leaks

import "strings"

// providerByRulePrefix names the provider of gitleaks' default rules by rule
// id prefix (longest prefix wins). Rules can also name their provider with a
// "provider:<Name>" tag.
var providerByRulePrefix = map[string]string{
	"openai":            "OpenAI",
	"anthropic":         "Anthropic",
	"gcp":               "Google",
	"github":            "GitHub",
	"gitlab":            "GitLab",
	"aws":               "AWS",
	"slack":             "Slack",
	"stripe":            "Stripe",
	"huggingface":       "Hugging Face",
	"perplexity":        "Perplexity",
	"cohere":            "Cohere",
	"discord":           "Discord",
	"azure":             "Azure",
	"npm":               "npm",
	"pypi":              "PyPI",
	"twilio":            "Twilio",
	"sendgrid":          "SendGrid",
	"telegram":          "Telegram",
	"digitalocean":      "DigitalOcean",
	"heroku":            "Heroku",
	"shopify":           "Shopify",
	"mailgun":           "Mailgun",
	"mailchimp":         "Mailchimp",
	"linear":            "Linear",
	"notion":            "Notion",
	"databricks":        "Databricks",
	"doppler":           "Doppler",
	"cloudflare":        "Cloudflare",
	"datadog":           "Datadog",
	"sentry":            "Sentry",
	"jwt":               "JSON Web Token",
	"private-key":       "Private key",
	"generic":           "Unknown",
	"curl":              "Unknown (curl header)",
	"1password":         "1Password",
	"hashicorp":         "HashiCorp",
	"vault":             "HashiCorp Vault",
	"grafana":           "Grafana",
	"new-relic":         "New Relic",
	"dropbox":           "Dropbox",
	"facebook":          "Facebook",
	"twitter":           "Twitter",
	"age-secret-key":    "age",
	"planetscale":       "PlanetScale",
	"pulumi":            "Pulumi",
	"postman":           "Postman",
	"rubygems":          "RubyGems",
	"square":            "Square",
	"squarespace":       "Squarespace",
	"okta":              "Okta",
	"sendinblue":        "Brevo (Sendinblue)",
	"kubernetes-secret": "Kubernetes",
}

// revokeURLs maps a lower-cased provider name to the page where its keys are
// revoked or rotated.
var revokeURLs = map[string]string{
	"openai":          "https://platform.openai.com/api-keys",
	"anthropic":       "https://platform.claude.com/settings/keys", // https://platform.claude.com/docs/en/get-api-key
	"google":          "https://aistudio.google.com/app/apikey",
	"github":          "https://github.com/settings/tokens",
	"gitlab":          "https://gitlab.com/-/user_settings/personal_access_tokens",
	"aws":             "https://console.aws.amazon.com/iam/home#/security_credentials",
	"slack":           "https://api.slack.com/apps",
	"discord":         "https://discord.com/developers/applications",
	"stripe":          "https://dashboard.stripe.com/apikeys",
	"hugging face":    "https://huggingface.co/settings/tokens",
	"groq":            "https://console.groq.com/keys",
	"xai":             "https://console.x.ai/",
	"openrouter":      "https://openrouter.ai/settings/keys",
	"replicate":       "https://replicate.com/account/api-tokens",
	"together ai":     "https://api.together.ai/settings/api-keys",
	"langsmith":       "https://smith.langchain.com/settings",
	"deepseek":        "https://platform.deepseek.com/api_keys",
	"mistral ai":      "https://console.mistral.ai/api-keys",
	"azure openai":    "https://portal.azure.com/#view/Microsoft_Azure_ProjectOxford/CognitiveServicesHub/~/OpenAI",
	"azure":           "https://portal.azure.com/",
	"perplexity":      "https://www.perplexity.ai/settings/api",
	"cohere":          "https://dashboard.cohere.com/api-keys",
	"npm":             "https://www.npmjs.com/settings/~/tokens",
	"pypi":            "https://pypi.org/manage/account/token/",
	"twilio":          "https://console.twilio.com/",
	"sendgrid":        "https://app.sendgrid.com/settings/api_keys",
	"telegram":        "https://t.me/BotFather",
	"digitalocean":    "https://cloud.digitalocean.com/account/api/tokens",
	"heroku":          "https://dashboard.heroku.com/account/applications",
	"cloudflare":      "https://dash.cloudflare.com/profile/api-tokens",
	"datadog":         "https://app.datadoghq.com/organization-settings/api-keys",
	"sentry":          "https://sentry.io/settings/account/api/auth-tokens/",
	"linear":          "https://linear.app/settings/api",
	"notion":          "https://www.notion.so/my-integrations",
	"shopify":         "https://admin.shopify.com/",
	"mailgun":         "https://app.mailgun.com/settings/api_security",
	"doppler":         "https://dashboard.doppler.com/",
	"databricks":      "https://docs.databricks.com/en/dev-tools/auth/pat.html",
	"hashicorp":       "https://app.terraform.io/app/settings/tokens",
	"hashicorp vault": "https://developer.hashicorp.com/vault/docs/commands/token/revoke",
}

// providerForRule derives a human provider name from tags or the rule id.
func providerForRule(id string, tags []string) string {
	for _, t := range tags {
		if v, ok := strings.CutPrefix(t, "provider:"); ok && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	best := ""
	for p := range providerByRulePrefix {
		if strings.HasPrefix(id, p) && len(p) > len(best) {
			best = p
		}
	}
	if best != "" {
		return providerByRulePrefix[best]
	}
	head, _, _ := strings.Cut(id, "-")
	if head == "" {
		return "Unknown"
	}
	return strings.ToUpper(head[:1]) + head[1:]
}

// RevokeURL returns a provider's page to revoke or rotate keys, or "" when
// none is on record.
func RevokeURL(provider string) string {
	return revokeURLs[strings.ToLower(provider)]
}
