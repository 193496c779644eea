using SandboxControl.Server.Audit;
using SandboxControl.Server.Authorization;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.Tests.Audit;

public sealed class SecretRedactorTests
{
    [Fact]
    public void Format_SecretMapField_ValuesRedactedNamesKept()
    {
        var request = new SetSandboxProviderEnvironmentRequest { SandboxId = "a" };
        request.Variables["OPENAI_API_KEY"] = "sk-never-in-logs";

        var text = SecretRedactor.Format(request);

        Assert.DoesNotContain("sk-never-in-logs", text, StringComparison.Ordinal);
        Assert.Contains("OPENAI_API_KEY", text, StringComparison.Ordinal);
        Assert.Contains(SecretRedactor.Redacted, text, StringComparison.Ordinal);
        Assert.Equal("sk-never-in-logs", request.Variables["OPENAI_API_KEY"]);
    }

    [Fact]
    public void Format_NonSecretFields_Kept()
    {
        var text = SecretRedactor.Format(new UpdateSandboxPolicyRequest { SandboxId = "a", ExpectedVersion = 3, Document = "doc" });

        Assert.Contains("\"document\": \"doc\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretRedactor.Redacted, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_EveryProtoSecretField_IsMarked()
    {
        // The credential-carrying fields must carry the option; this fails if someone drops it.
        var secretFields = SandboxControlReflection.Descriptor.MessageTypes
            .SelectMany(message => message.Fields.InDeclarationOrder())
            .Where(DescriptorOptions.IsSecret)
            .Select(field => field.FullName)
            .ToList();

        Assert.Equal(["sandboxcontrol.v1.ProviderEnvironment.variables", "sandboxcontrol.v1.SetSandboxProviderEnvironmentRequest.variables"], secretFields);
    }
}
