using System.CommandLine;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using SandboxControl.Pki;

namespace SandboxControl.Cli.Commands.Certs;

/// <summary><c>certs issue-sandbox|issue-operator|issue-server</c>: sign a new key pair with a local CA.</summary>
internal static class IssueCommands
{
    public static Command Sandbox(CommandRunner runner) => Client(
        runner, "issue-sandbox", "ID", "Issue a sandbox client certificate (URI SAN spiffe://<trust-domain>/sandbox/<ID>).", 24,
        (ca, trustDomain, id, lifetime) => ca.IssueSandboxCertificate(trustDomain, id, lifetime));

    public static Command Operator(CommandRunner runner) => Client(
        runner, "issue-operator", "NAME", "Issue an operator client certificate (URI SAN spiffe://<trust-domain>/operator/<NAME>).", 24 * 30,
        (ca, trustDomain, name, lifetime) => ca.IssueOperatorCertificate(trustDomain, name, lifetime));

    public static Command Server(CommandRunner runner)
    {
        var ca = new IssuingCaOptions();
        var outputs = new CertificateOutputOptions();
        var dns = new Option<string[]>("--dns") { Description = "DNS names (the first is also the common name).", HelpName = "NAME", AllowMultipleArgumentsPerToken = true };
        var ip = new Option<string[]>("--ip") { Description = "IP addresses.", HelpName = "ADDR", AllowMultipleArgumentsPerToken = true };
        var validity = Lifetimes.InDays(365);
        var command = new Command("issue-server", """
            Issue a TLS server certificate (EKU serverAuth).

            Examples:
              sandboxctl certs issue-server --dns sandboxcontrol.default.svc --dns localhost --ca-cert ca.crt --ca-key ca.key --out tls.crt --key-out tls.key
            """) { dns, ip };
        validity.AddTo(command);
        ca.AddTo(command);
        outputs.AddTo(command);
        runner.SetOfflineAction(command, async (context, _) =>
        {
            var names = context.Get(dns) ?? [];
            var addresses = (context.Get(ip) ?? []).Select(ParseAddress).ToArray();
            if (names.Length == 0 && addresses.Length == 0)
            {
                throw new UsageException("give at least one --dns name or --ip address.");
            }

            var lifetime = validity.Resolve(context);
            var paths = outputs.Paths(context);
            using var authority = ca.Load(context);
            using var certificate = authority.IssueServerCertificate(names, addresses, lifetime);
            await CertificateOutputOptions.WriteAsync(context, certificate, paths);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Client(
        CommandRunner runner, string name, string argumentName, string description, int defaultHours,
        Func<CertificateAuthority, string, string, TimeSpan, X509Certificate2> issue)
    {
        var subject = new Argument<string>(argumentName) { Description = argumentName == "ID" ? "Sandbox id." : "Operator name." };
        var trustDomain = new Option<string>("--trust-domain") { Description = "SPIFFE trust domain (the server's Identity:TrustDomain).", HelpName = "DOMAIN", Required = true };
        var validity = Lifetimes.InHours(defaultHours);
        var ca = new IssuingCaOptions();
        var outputs = new CertificateOutputOptions();
        var example = $"sandboxctl certs {name} {(argumentName == "ID" ? "web-1" : "alice")} --trust-domain sandboxes.example.org --validity 24h --ca-cert ca.crt --ca-key ca.key --out c.crt --key-out c.key";
        var command = new Command(name, description + "\n\nExamples:\n  " + example) { subject, trustDomain };
        validity.AddTo(command);
        ca.AddTo(command);
        outputs.AddTo(command);
        runner.SetOfflineAction(command, async (context, _) =>
        {
            var lifetime = validity.Resolve(context);
            var paths = outputs.Paths(context);
            using var authority = ca.Load(context);
            X509Certificate2 certificate;
            try
            {
                certificate = issue(authority, context.Get(trustDomain), context.Get(subject), lifetime);
            }
            catch (ArgumentException exception)
            {
                throw new UsageException(exception.Message);
            }

            using (certificate)
            {
                await CertificateOutputOptions.WriteAsync(context, certificate, paths);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static IPAddress ParseAddress(string text) =>
        IPAddress.TryParse(text, out var address) ? address : throw new UsageException($"--ip '{text}' is not an IP address.");
}
