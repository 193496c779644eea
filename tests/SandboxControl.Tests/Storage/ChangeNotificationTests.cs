using SandboxControl.Server.Storage;
using SandboxControl.Server.Storage.Postgres;
using Xunit;

namespace SandboxControl.Tests.Storage;

public sealed class ChangeNotificationTests
{
    [Theory]
    [InlineData("0A1B", "09FF")]
    [InlineData("0A1B", null)]
    public void CertificatePruned_RoundTrip_SerialParentAndId(string serial, string? parent)
    {
        var payload = ChangeNotification.CertificatePruned("alpha|odd", serial, parent);

        Assert.True(ChangeNotification.TryParse(payload, out var change));
        Assert.Equal(SandboxChangeKind.CertificatePruned, change.Kind);
        Assert.Equal("alpha|odd", change.SandboxId);
        Assert.Equal(serial, change.SerialNumber);
        Assert.Equal(parent, change.ParentSerialNumber);
        Assert.Null(change.Incarnation);
    }

    [Theory]
    [InlineData("e|0A1B|")]
    [InlineData("e|0A1B|09FF|")]
    [InlineData("e|0A1B")]
    public void TryParse_PrunedWithoutId_False(string payload) => Assert.False(ChangeNotification.TryParse(payload, out _));
}
