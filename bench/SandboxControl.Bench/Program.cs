using SandboxControl.Bench;
using SandboxControl.Pki;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception exception) when (exception is ArgumentException or FormatException or UriFormatException)
{
    Console.Error.WriteLine(exception.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

switch (options.Command)
{
    case "certs":
        return CertsCommand.Run(options);
    case "seed":
        return await SeedCommand.RunAsync(options);
    case "fairness":
        return await FairnessCommand.RunAsync(options);
    case "run":
    case "issue":
        if (options.CaCertificatePath is null || (options.CaKeyPath is null && (options.IssuerCertificatePath is null || options.IssuerKeyPath is null)))
        {
            Console.Error.WriteLine("run needs --ca-cert and either --issuer-cert/--issuer-key (the server issues) or --ca-key (issued offline)");
            return 2;
        }

        {
            var factory = new ChannelFactory(options.Target, Identities.LoadCas(options.CaCertificatePath));
            Identities identities;
            if (options.Command == "run" && options.IdentitiesDirectory is { } saved)
            {
                identities = Identities.Load(saved, options);
            }
            else if (options.IssuerCertificatePath is not null && options.IssuerKeyPath is not null)
            {
                using var issuer = PemFiles.LoadCertificateWithKey(options.IssuerCertificatePath, options.IssuerKeyPath);
                identities = await Identities.IssueThroughServerAsync(factory, issuer, options);
            }
            else
            {
                using var ca = CertificateAuthority.Load(options.CaCertificatePath, options.CaKeyPath!);
                identities = Identities.Issue(ca, options);
            }

            if (options.Command == "issue")
            {
                identities.Save(options.IdentitiesDirectory ?? throw new ArgumentException("issue needs --identities DIR"));
                return 0;
            }

            var result = await new LoadRunner(options, identities, factory).RunAsync();
            Console.Write(ReportWriter.Table(result));
            if (options.JsonPath is { } path)
            {
                ReportWriter.WriteJson(path, result);
            }

            return result.Calls > 0 ? 0 : 1;
        }

    default:
        Console.Error.WriteLine(BenchOptions.Usage);
        return 2;
}
