using SandboxControl.Server.Storage;
using Xunit;

namespace SandboxControl.Tests.Storage;

/// <summary>Lineage walks follow the children index, which every change must keep true.</summary>
public sealed class CertificateAllowListTests
{
    private static AllowedCertificate Cert(string? parent, string sandbox = "s1") => new(sandbox, "inc-1", parent, false);

    private static string[] Revoked(CertificateAllowList list, params string[] serials) =>
        [.. serials.Where(serial => list.Find(serial) is { Revoked: true })];

    [Fact]
    public void RevokeLineage_AfterMiddleOfChainPruned_ReachesGrandchildNotOthers()
    {
        var list = new CertificateAllowList();
        list.Add("A", Cert(null));
        list.Add("B", Cert("A"));
        list.Add("C", Cert("B"));
        list.Add("D", Cert(null));

        list.RemoveAndReparent("B", "A");
        var sandbox = list.RevokeLineage("A");

        Assert.Equal("s1", sandbox);
        Assert.Null(list.Find("B"));
        Assert.Equal("A", list.Find("C")!.ParentSerialNumber);
        Assert.Equal(["A", "C"], Revoked(list, "A", "C", "D"));
    }

    [Fact]
    public void Add_SameSerialNewParent_OldParentNoLongerReachesIt()
    {
        var list = new CertificateAllowList();
        list.Add("B", Cert(null));
        list.Add("X", Cert(null));
        list.Add("C", Cert("B"));
        list.Add("C", Cert("X"));

        list.RevokeLineage("B");

        Assert.Equal(["B"], Revoked(list, "B", "C", "X"));
    }

    [Fact]
    public void ReplaceAll_NewLinks_WalkFollowsThemAndDroppedEntriesGone()
    {
        var list = new CertificateAllowList();
        list.Add("A", Cert(null));
        list.Add("B", Cert("A"));
        list.Add("Z", Cert(null));

        list.ReplaceAll(new Dictionary<string, AllowedCertificate> { ["A"] = Cert(null), ["C"] = Cert("A"), ["Z"] = Cert("C") });
        list.RevokeLineage("A");

        Assert.Null(list.Find("B"));
        Assert.Equal(["A", "C", "Z"], Revoked(list, "A", "C", "Z"));
    }

    [Fact]
    public void RemoveIncarnation_ThenRevokeOtherSandbox_OnlyItsOwnLineage()
    {
        var list = new CertificateAllowList();
        list.Add("A", Cert(null, "s1"));
        list.Add("B", Cert("A", "s1"));
        list.Add("P", Cert(null, "s2"));
        list.Add("Q", Cert("P", "s2"));

        list.RemoveSandbox("s1");
        list.RevokeLineage("P");

        Assert.Equal(2, list.Count);
        Assert.Null(list.Find("A"));
        Assert.Null(list.Find("B"));
        Assert.Equal(["P", "Q"], Revoked(list, "P", "Q"));
    }
}
